package dev.perennial.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Something that changes the output of a {@link Linear} without replacing it, e.g. LoRA (Hu et al. 2021):
 * {@code y = W x + b + delta(x)}.
 *
 * <p>The adapter's own blocks are registered as children of the linear layer under the names from
 * {@link #blocks()}, so their parameters get the names of the ecosystem (e.g. {@code q_proj.lora_A.weight}).
 */
public interface LinearAdapter {

    /**
     * The blocks that hold the adapter's parameters, keyed by the torch name they are registered under.
     *
     * @return name to block, in registration order
     */
    PairList<String, Block> blocks();

    /**
     * The output of the adapted layer.
     *
     * @param store the parameter store of this forward pass
     * @param input the input of the linear layer, (…, in)
     * @param baseOutput {@code W x + b}, (…, out)
     * @param training whether this is a training pass (dropout)
     * @return the adapted output, same shape as {@code baseOutput}
     */
    NDArray apply(ParameterStore store, NDArray input, NDArray baseOutput, boolean training);
}
