package dev.perennial.llava.generate;

/**
 * One generated answer.
 *
 * @param text the decoded answer without special tokens, cut before a stop string
 * @param tokenIds the generated ids, without the final end-of-sequence token
 * @param finishReason why it ended
 */
public record GenerationResult(String text, long[] tokenIds, FinishReason finishReason) {}
