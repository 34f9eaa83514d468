package dev.perennial.llava;

import ai.djl.ndarray.NDManager;
import dev.perennial.llava.image.LlavaImageProcessor;
import dev.perennial.llava.image.RgbImage;
import dev.perennial.llava.text.ConversationTemplate;
import dev.perennial.llava.text.EncodedText;
import dev.perennial.llava.text.LlavaTokenizer;
import dev.perennial.llava.text.RenderedConversation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Turns (image, conversation) samples into a {@link LlavaBatch}: template, tokenizer, image preprocessing and, for
 * training, the answer-only labels.
 *
 * <p>Labels (LLaVA {@code preprocess_v1}): a token is learned exactly when its characters overlap an answer or the
 * {@code </s>} that ends it; the system prompt, roles, questions, the image token (and later its expanded features)
 * and BOS carry {@link LlavaBatch#IGNORE_INDEX}. LLaVA derives the same mask from token counts of re-tokenised
 * pieces (with a known off-by-one for some tokenizers); character spans give it exactly for any tokenizer.
 *
 * @param tokenizer the tokenizer
 * @param template the conversation template
 * @param images the image preprocessing
 * @param maxLength the most tokens per sequence before image expansion; longer prompts are cut at the end
 *     (LLaVA's {@code model_max_length} truncation), or 0 for no limit
 */
public record LlavaBatchEncoder(
        LlavaTokenizer tokenizer, ConversationTemplate template, LlavaImageProcessor images, int maxLength) {

    /** Validates. */
    public LlavaBatchEncoder {
        if (tokenizer == null || template == null || images == null) {
            throw new IllegalArgumentException("llava batch encoder: tokenizer, template and image processor required");
        }
        if (maxLength < 0) {
            throw new IllegalArgumentException("llava batch encoder: maxLength must be >= 0, got " + maxLength);
        }
    }

    /**
     * Training batch: every conversation must end with an answer.
     *
     * @param manager where the pixel array is created (a per-step scope)
     * @param examples the samples
     * @return ids, labels and images
     */
    public LlavaBatch forTraining(NDManager manager, List<LlavaExample> examples) {
        return encode(manager, examples, true);
    }

    /**
     * Generation batch: every conversation must end with an open question.
     *
     * @param manager where the pixel array is created
     * @param examples the samples
     * @return ids and images (no labels)
     */
    public LlavaBatch forGeneration(NDManager manager, List<LlavaExample> examples) {
        return encode(manager, examples, false);
    }

    /**
     * The labels of one rendered conversation.
     *
     * @param rendered the text and answer spans
     * @return ids and labels of equal length
     */
    public long[][] idsAndLabels(RenderedConversation rendered) {
        EncodedText enc = tokenizer.encode(rendered.text());
        long[] ids = enc.ids();
        long[] labels = new long[ids.length];
        Arrays.fill(labels, LlavaBatch.IGNORE_INDEX);
        for (int i = 0; i < ids.length; i++) {
            if (enc.starts()[i] < 0 || ids[i] == tokenizer.imageTokenIndex()) {
                continue;
            }
            for (int[] span : rendered.answerSpans()) {
                if (enc.ends()[i] > span[0] && enc.starts()[i] < span[1]) {
                    labels[i] = ids[i];
                    break;
                }
            }
        }
        if (maxLength > 0 && ids.length > maxLength) {
            ids = Arrays.copyOf(ids, maxLength);
            labels = Arrays.copyOf(labels, maxLength);
        }
        return new long[][] {ids, labels};
    }

    private LlavaBatch encode(NDManager manager, List<LlavaExample> examples, boolean training) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("llava batch encoder: no examples");
        }
        List<long[]> ids = new ArrayList<>();
        List<long[]> labels = new ArrayList<>();
        List<RgbImage> pictures = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            LlavaExample ex = examples.get(i);
            if (training == ex.conversation().isOpen()) {
                throw new IllegalArgumentException("llava batch encoder: example " + i + (training
                        ? " ends with an open question; training needs every answer"
                        : " ends with an answer; generation needs an open last question"));
            }
            long[][] pair = idsAndLabels(template.render(ex.conversation()));
            long imageTokens = Arrays.stream(pair[0]).filter(id -> id == tokenizer.imageTokenIndex()).count();
            if (imageTokens != (ex.image().isPresent() ? 1 : 0)) {
                throw new IllegalArgumentException("llava batch encoder: example " + i + " encodes to " + imageTokens
                        + " image tokens for " + (ex.image().isPresent() ? 1 : 0) + " image"
                        + (maxLength > 0 ? " (maxLength " + maxLength + " may have cut it)" : ""));
            }
            ids.add(pair[0]);
            labels.add(pair[1]);
            ex.image().ifPresent(pictures::add);
        }
        return new LlavaBatch(ids, training ? Optional.of(labels) : Optional.empty(),
                pictures.isEmpty() ? Optional.empty() : Optional.of(images.preprocess(manager, pictures)));
    }
}
