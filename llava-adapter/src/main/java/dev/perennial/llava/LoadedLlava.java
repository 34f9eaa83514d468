package dev.perennial.llava;

import dev.perennial.llava.image.LlavaImageProcessor;
import dev.perennial.llava.text.ConversationTemplate;
import dev.perennial.llava.text.LlavaTokenizer;

/**
 * A loaded checkpoint: the model with its weights, its tokenizer and preprocessing, and the load report. Closing it
 * releases the tokenizer; the parameters belong to the manager given in {@link LoadOptions}.
 *
 * @param model the model
 * @param tokenizer the tokenizer
 * @param imageProcessor LLaVA-1.5 preprocessing at the tower's image size
 * @param report what was loaded, missing or unexpected
 */
public record LoadedLlava(
        LlavaModel model, LlavaTokenizer tokenizer, LlavaImageProcessor imageProcessor, LlavaLoadReport report)
        implements AutoCloseable {

    /**
     * A batch encoder with the Vicuna v1 template and no length limit.
     *
     * @return the encoder
     */
    public LlavaBatchEncoder batchEncoder() {
        return new LlavaBatchEncoder(tokenizer, ConversationTemplate.vicunaV1(), imageProcessor, 0);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
