package dev.perennial.continual.llaca;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.perennial.llava.LlavaModel;

import java.util.Map;
import java.util.Set;

/**
 * What adapts LLaVA's decoder after the full-tune tasks when it is not one plain LoRA: e.g. O-LoRA's per-task LoRA
 * slices or MoELoRA's experts ({@code dev.perennial.continual.mcit}). {@link LlavaInstructionLearner} keeps the
 * model, the data, the trainable projector and the answer loss; the scheme owns its adapters, says which of their
 * tensors train in each task and adds its loss terms.
 */
public interface DecoderAdapters {

    /**
     * Attaches the adapters to the decoder's linear layers; called once, when the first adapted task begins (or when
     * a run resumes after it), before {@link #startTask}.
     *
     * @param model the (initialised) model
     */
    void inject(LlavaModel model);

    /**
     * Sets the adapters up for one adapted task and says what trains in it. Called when the task begins and again
     * when a run resumes inside it, so it must depend on the index only.
     *
     * @param adaptedTask the task's index among the adapted tasks (0 = the first task after the full-tune ones)
     * @return the torch-style names, under {@link LlavaModel}, of the adapter tensors that train in this task (the
     *     projector is added by the learner)
     * @throws IllegalArgumentException when the scheme has no room for the task, naming the setting to change
     */
    Set<String> startTask(int adaptedTask);

    /**
     * The scheme's loss terms of the training pass that has just run (unweighted by the experiment: a scheme
     * applies its own coefficients).
     *
     * @param manager the step's manager, which receives the terms
     * @return term name to scalar; empty when the scheme adds nothing
     */
    Map<String, NDArray> lossTerms(NDManager manager);
}
