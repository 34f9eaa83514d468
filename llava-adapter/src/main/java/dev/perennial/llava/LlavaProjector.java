package dev.perennial.llava;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.ActivationFunction;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;

/**
 * LLaVA-1.5's {@code mlp2x_gelu} projector, HF {@code LlavaMultiModalProjector}:
 * {@code linear_2(gelu(linear_1(x)))}, vision width → text width → text width (Liu et al. 2023, §3.1 of
 * "Improved Baselines"). The original code calls the same layers {@code mm_projector.0} and {@code mm_projector.2}.
 */
public final class LlavaProjector extends FixedShapeBlock {
    private final Linear linear1;
    private final Linear linear2;
    private final ActivationFunction activation;

    /**
     * Creates the projector.
     *
     * @param visionWidth the vision tower's hidden size
     * @param textWidth the decoder's hidden size
     * @param activation the activation between the layers
     * @param bias whether the layers have biases
     */
    public LlavaProjector(long visionWidth, long textWidth, ActivationFunction activation, boolean bias) {
        this.linear1 = addChildBlock("linear_1", new Linear(visionWidth, textWidth, bias));
        this.linear2 = addChildBlock("linear_2", new Linear(textWidth, textWidth, bias));
        this.activation = activation;
    }

    /** @return the first layer */
    public Linear linear1() {
        return linear1;
    }

    /** @return the second layer */
    public Linear linear2() {
        return linear2;
    }

    /**
     * Projects image features into the decoder's embedding space.
     *
     * @param store the parameter store
     * @param features (…, vision width)
     * @param training whether this is a training pass
     * @return (…, text width)
     */
    public NDArray forward(ParameterStore store, NDArray features, boolean training) {
        return linear2.forward(store, activation.apply(linear1.forward(store, features, training)), training);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.singletonOrThrow(), training));
    }
}
