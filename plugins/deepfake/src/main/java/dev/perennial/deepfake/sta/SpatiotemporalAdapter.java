package dev.perennial.deepfake.sta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.Scalars;
import java.util.ArrayList;
import java.util.List;

/**
 * The spatiotemporal adapter (StA) of specs/deepfake.md §B.1.2 (CODE {@code clip_adapter_detector.py}), inserted
 * after each ViT block's MLP residual. Tokens are batch-first here, (B·T, 1 + H·W, C), frame-major within a clip:
 * <pre>
 * U     = GELU(X·W_down + b_down);  u_cls = U[:, 0];  V = U[:, 1:] → (B, C', T, H, W)
 * X_s   = mean_k DW_(1,k,k)(V) + V                    spatial stream
 * X_t   = mean_k DW_(k,1,1)(V) + V                    temporal stream
 * (X_s, X_t) ← (MHA(q = X_t, kv = X_s), MHA(q = X_s, kv = X_t))   over all T·H·W tokens of a clip
 * Z     = GELU((X_s + X_t)/2), u_cls prepended
 * out   = GELU(Z·W_up + b_up) + X
 * </pre>
 * The class token bypasses the convolutions and the attention. With W_up = 0 and b_up = 0 the adapter is exactly
 * the identity (GELU(0) = 0), which is how it starts when {@link AdapterConfig#zeroInitUp()} is set.
 */
public final class SpatiotemporalAdapter extends FixedShapeBlock {
    private final AdapterConfig config;
    private final Linear down;
    private final Linear up;
    private final List<DepthwiseConvStack> spatial = new ArrayList<>();
    private final List<DepthwiseConvStack> temporal = new ArrayList<>();
    private final CrossAttention spatialToTemporal;
    private final CrossAttention temporalToSpatial;

    /**
     * Creates the adapter.
     *
     * @param config its shape
     */
    public SpatiotemporalAdapter(AdapterConfig config) {
        this.config = config;
        int b = config.bottleneck();
        down = addChildBlock("down", new Linear(config.width(), b, true));
        for (int k : config.spatialKernels()) {
            spatial.add(addChildBlock("spatial_" + k, new DepthwiseConvStack(b, new Shape(1, k, k))));
        }
        for (int k : config.temporalKernels()) {
            temporal.add(addChildBlock("temporal_" + k, new DepthwiseConvStack(b, new Shape(k, 1, 1))));
        }
        spatialToTemporal = addChildBlock("s2t", new CrossAttention(b, config.heads()));
        temporalToSpatial = addChildBlock("t2s", new CrossAttention(b, config.heads()));
        up = addChildBlock("up", new Linear(b, config.width(), true));
        if (config.zeroInitUp()) {
            up.weight().setInitializer(Initializer.ZEROS);
            up.bias().orElseThrow().setInitializer(Initializer.ZEROS);
        }
    }

    /**
     * The shape.
     *
     * @return the config
     */
    public AdapterConfig config() {
        return config;
    }

    /**
     * The up-projection (zero at start by default).
     *
     * @return W_up, b_up
     */
    public Linear up() {
        return up;
    }

    /**
     * Applies the adapter.
     *
     * @param store the parameter store
     * @param x (B·T, 1 + H·W, C), H = W
     * @param training whether training
     * @return the same shape
     * @throws IllegalArgumentException when the shape does not fit T, C or a square grid
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        Shape s = x.getShape();
        int t = config.frames();
        if (s.dimension() != 3 || s.get(2) != config.width() || s.get(0) % t != 0) {
            throw new IllegalArgumentException("spatiotemporal adapter: expected (B*" + t + ", 1 + H*W, "
                    + config.width() + ") tokens, got " + s);
        }
        long n = s.get(1) - 1;
        long side = Math.round(Math.sqrt(n));
        if (side * side != n) {
            throw new IllegalArgumentException("spatiotemporal adapter: " + n + " patch tokens are not a square grid");
        }
        long clips = s.get(0) / t;
        long c = config.bottleneck();
        NDArray u = Activation.gelu(down.forward(store, x, training));
        NDArray cls = u.get(new NDIndex(":, :1, :"));
        NDArray v = u.get(new NDIndex(":, 1:, :")).reshape(clips, t, side, side, c).transpose(0, 4, 1, 2, 3);
        NDArray xs = spatialStream(store, v, training);
        NDArray xt = temporalStream(store, v, training);
        NDArray tokensS = xs.transpose(0, 2, 3, 4, 1).reshape(clips, t * n, c);
        NDArray tokensT = xt.transpose(0, 2, 3, 4, 1).reshape(clips, t * n, c);
        NDArray s2t = spatialToTemporal.forward(store, tokensT, tokensS, training);
        NDArray t2s = temporalToSpatial.forward(store, tokensS, tokensT, training);
        NDArray z = Activation.gelu(Scalars.div(s2t.add(t2s), 2f)).reshape(clips * t, n, c);
        NDArray all = cls.concat(z, 1);
        return Activation.gelu(up.forward(store, all, training)).add(x);
    }

    /**
     * X_s = mean_k DW_(1,k,k)(V) + V: kernels never mix frames.
     *
     * @param store the parameter store
     * @param v (B, C', T, H, W)
     * @param training whether training
     * @return the same shape
     */
    public NDArray spatialStream(ParameterStore store, NDArray v, boolean training) {
        return averagePlusResidual(store, spatial, v, training);
    }

    /**
     * X_t = mean_k DW_(k,1,1)(V) + V: kernels never mix pixels.
     *
     * @param store the parameter store
     * @param v (B, C', T, H, W)
     * @param training whether training
     * @return the same shape
     */
    public NDArray temporalStream(ParameterStore store, NDArray v, boolean training) {
        return averagePlusResidual(store, temporal, v, training);
    }

    private static NDArray averagePlusResidual(ParameterStore store, List<DepthwiseConvStack> stacks, NDArray v,
                                               boolean training) {
        NDArray sum = null;
        for (DepthwiseConvStack stack : stacks) {
            NDArray y = stack.forward(store, v, training);
            sum = sum == null ? y : sum.add(y);
        }
        return Scalars.div(sum, (float) stacks.size()).add(v);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return new NDList(forward(store, inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
