package dev.perennial.llava;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.perennial.llava.generate.GenerationConfig;
import dev.perennial.llava.generate.GenerationResult;
import dev.perennial.llava.generate.LlavaGenerator;
import java.util.List;

/**
 * The two calls a visual-question-answering learner needs, over (image, conversation) samples: the answer-only
 * training loss and generated answers. Holds no state beyond the model and its text/image encoding.
 *
 * <pre>{@code
 * LlavaAssistant assistant = LlavaAssistant.of(loaded);
 * NDArray loss = assistant.loss(store, step, examples);                       // inside the loop's collector
 * List<GenerationResult> answers = assistant.answer(step, prompts, GenerationConfig.greedy(32));
 * }</pre>
 *
 * @param model the model
 * @param encoder template, tokenizer and image preprocessing
 */
public record LlavaAssistant(LlavaModel model, LlavaBatchEncoder encoder) {

    /** Validates. */
    public LlavaAssistant {
        if (model == null || encoder == null) {
            throw new IllegalArgumentException("llava assistant: model and encoder are required");
        }
        if (encoder.tokenizer().imageTokenIndex() != model.config().imageTokenIndex()) {
            throw new IllegalArgumentException("llava assistant: the tokenizer's image token "
                    + encoder.tokenizer().imageTokenIndex() + " differs from the model's image_token_index "
                    + model.config().imageTokenIndex());
        }
    }

    /**
     * The assistant of a loaded checkpoint (Vicuna v1 template, LLaVA-1.5 preprocessing, no length limit).
     *
     * @param loaded the checkpoint
     * @return the assistant
     */
    public static LlavaAssistant of(LoadedLlava loaded) {
        return new LlavaAssistant(loaded.model(), loaded.batchEncoder());
    }

    /**
     * The causal-LM loss on answer tokens only ({@link LlavaModel#answerLoss}) of training samples.
     *
     * @param store the loop's parameter store
     * @param step the step's manager (owns every array of the pass)
     * @param examples samples whose conversations end with an answer
     * @param training whether this is a training pass (LoRA dropout)
     * @return the scalar loss
     */
    public NDArray loss(ParameterStore store, NDManager step, List<LlavaExample> examples, boolean training) {
        return model.answerLoss(store, step, encoder.forTraining(step, examples), training);
    }

    /**
     * Generated answers for samples whose conversations end with an open question.
     *
     * @param step the manager under which generation scopes its arrays
     * @param prompts the samples
     * @param config decoding settings
     * @return one answer per sample
     */
    public List<GenerationResult> answer(NDManager step, List<LlavaExample> prompts, GenerationConfig config) {
        return new LlavaGenerator(model, encoder.tokenizer()).generate(step, encoder.forGeneration(step, prompts), config);
    }
}
