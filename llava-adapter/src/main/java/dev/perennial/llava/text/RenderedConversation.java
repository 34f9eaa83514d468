package dev.perennial.llava.text;

import java.util.List;

/**
 * A conversation as prompt text, with where the answers (and their end-of-sequence marks) are.
 *
 * @param text the full text
 * @param answerSpans character ranges [start, end) of each answer including its terminating {@code </s>}
 */
public record RenderedConversation(String text, List<int[]> answerSpans) {
    /** Copies the list. */
    public RenderedConversation {
        answerSpans = List.copyOf(answerSpans);
    }
}
