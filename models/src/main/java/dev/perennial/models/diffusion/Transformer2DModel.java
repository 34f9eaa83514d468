package dev.perennial.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.cnn.Conv2dLayer;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.ModuleList;
import java.util.List;

/**
 * diffusers' {@code Transformer2DModel} for continuous inputs: {@code norm} (GroupNorm, eps 1e-6), {@code proj_in}
 * (a 1×1 convolution, or a linear layer on tokens when {@code use_linear_projection}), the feature map flattened to
 * H·W tokens through {@code transformer_blocks.0}, back to a map through {@code proj_out}, plus the input.
 */
public final class Transformer2DModel extends FixedShapeBlock {
    private final boolean linearProjection;
    private final GroupNorm norm;
    private final Block projIn;
    private final BasicTransformerBlock block;
    private final Block projOut;

    /**
     * Creates the block; the inner width equals {@code channels} (heads × channels/heads, as in SD).
     *
     * @param channels feature-map channels
     * @param contextDim conditioning width
     * @param heads attention heads
     * @param groups GroupNorm groups
     * @param linearProjection linear rather than 1×1-convolution projections (SD 2)
     */
    public Transformer2DModel(int channels, int contextDim, int heads, int groups, boolean linearProjection) {
        this.linearProjection = linearProjection;
        this.norm = addChildBlock("norm", new GroupNorm(groups, channels, 1e-6f));
        this.projIn = addChildBlock("proj_in", projection(channels, linearProjection));
        this.block = new BasicTransformerBlock(channels, contextDim, heads);
        addChildBlock("transformer_blocks", new ModuleList<>(List.of(block)));
        this.projOut = addChildBlock("proj_out", projection(channels, linearProjection));
    }

    private static Block projection(int channels, boolean linear) {
        return linear ? new Linear(channels, channels, true) : new Conv2dLayer(channels, channels, 1, 1, 0, 1, true);
    }

    /**
     * Applies the block.
     *
     * @param store the parameter store
     * @param x (B, C, H, W)
     * @param context (B, M, contextDim)
     * @param training whether this is a training pass
     * @return (B, C, H, W)
     */
    public NDArray forward(ParameterStore store, NDArray x, NDArray context, boolean training) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        NDArray y = norm.forward(store, x, training);
        if (!linearProjection) {
            y = ((Conv2dLayer) projIn).forward(store, y, training);
        }
        y = y.transpose(0, 2, 3, 1).reshape(b, h * w, c);
        if (linearProjection) {
            y = ((Linear) projIn).forward(store, y, training);
        }
        y = block.forward(store, y, context, training);
        if (linearProjection) {
            y = ((Linear) projOut).forward(store, y, training);
        }
        y = y.reshape(b, h, w, c).transpose(0, 3, 1, 2);
        if (!linearProjection) {
            y = ((Conv2dLayer) projOut).forward(store, y, training);
        }
        return y.add(x);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.get(0), inputs.get(1), training));
    }
}
