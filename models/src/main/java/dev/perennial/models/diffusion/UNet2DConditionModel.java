package dev.perennial.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.cnn.Conv2dLayer;
import dev.perennial.models.nn.ActivationFunction;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.ModuleList;
import dev.perennial.models.nn.Owned;
import dev.perennial.models.nn.Scalars;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The conditional denoising UNet of latent diffusion (Rombach et al. 2022), with the parameter names of diffusers'
 * {@code UNet2DConditionModel} so that a Stable Diffusion {@code unet/} directory loads strictly
 * ({@link Diffusers#loadUnet}): {@code conv_in}, {@code time_embedding.linear_1/2},
 * {@code down_blocks.N.resnets.M.conv1}, {@code down_blocks.N.attentions.M.transformer_blocks.0.attn1.to_q},
 * {@code down_blocks.N.downsamplers.0.conv}, {@code mid_block.*}, {@code up_blocks.N.*.upsamplers.0.conv},
 * {@code conv_norm_out}, {@code conv_out}.
 *
 * <p>Forward: a sinusoidal embedding of the timestep (width block_out_channels[0]) through a two-layer SiLU MLP;
 * {@code conv_in}; the down levels (every intermediate map kept as a skip connection); the mid block; the up levels
 * (each resnet eats the latest unused skip); GroupNorm, SiLU, {@code conv_out}. The output is the predicted noise ε.
 */
public final class UNet2DConditionModel extends FixedShapeBlock {
    private final UNet2DConditionConfig config;
    private final Conv2dLayer convIn;
    private final Linear timeLinear1;
    private final Linear timeLinear2;
    private final List<DownBlock2D> downBlocks = new ArrayList<>();
    private final MidBlock2D midBlock;
    private final List<UpBlock2D> upBlocks = new ArrayList<>();
    private final GroupNorm convNormOut;
    private final Conv2dLayer convOut;

    /**
     * Builds the UNet (random initialisation; load a checkpoint over it after {@code initialize}).
     *
     * @param config the configuration
     */
    public UNet2DConditionModel(UNet2DConditionConfig config) {
        this.config = config;
        List<Integer> boc = config.blockOutChannels();
        int levels = boc.size();
        int temb = config.timeEmbedDim();
        int groups = config.normNumGroups();
        float eps = config.normEps();
        this.convIn = addChildBlock("conv_in", new Conv2dLayer(config.inChannels(), boc.get(0), 3, 1, 1, 1, true));
        this.timeLinear1 = new Linear(boc.get(0), temb, true);
        this.timeLinear2 = new Linear(temb, temb, true);
        addChildBlock("time_embedding", new TimeEmbedding(timeLinear1, timeLinear2));
        int out = boc.get(0);
        for (int i = 0; i < levels; i++) {
            int in = out;
            out = boc.get(i);
            boolean cross = config.downBlockTypes().get(i).equals(UNet2DConditionConfig.CROSS_DOWN);
            downBlocks.add(new DownBlock2D(in, out, config.layersPerBlock(), temb, groups, eps,
                    cross ? attention(config.attentionHeads().get(i)) : null,
                    i < levels - 1 ? config.downsamplePadding() : -1));
        }
        addChildBlock("down_blocks", new ModuleList<>(downBlocks));
        this.midBlock = addChildBlock("mid_block", MidBlock2D.crossAttention(boc.get(levels - 1), temb, groups, eps,
                attention(config.attentionHeads().get(levels - 1))));
        out = boc.get(levels - 1);
        for (int i = 0; i < levels; i++) {
            int prev = out;
            out = boc.get(levels - 1 - i);
            int in = boc.get(Math.max(levels - 2 - i, 0));
            boolean cross = config.upBlockTypes().get(i).equals(UNet2DConditionConfig.CROSS_UP);
            upBlocks.add(new UpBlock2D(in, prev, out, config.layersPerBlock() + 1, temb, groups, eps,
                    cross ? attention(config.attentionHeads().get(levels - 1 - i)) : null, i < levels - 1));
        }
        addChildBlock("up_blocks", new ModuleList<>(upBlocks));
        this.convNormOut = addChildBlock("conv_norm_out", new GroupNorm(groups, boc.get(0), eps));
        this.convOut = addChildBlock("conv_out", new Conv2dLayer(boc.get(0), config.outChannels(), 3, 1, 1, 1, true));
    }

    private DownBlock2D.CrossAttention attention(int heads) {
        return new DownBlock2D.CrossAttention(config.crossAttentionDim(), heads, config.useLinearProjection());
    }

    /** @return the configuration */
    public UNet2DConditionConfig config() {
        return config;
    }

    /**
     * Predicts the noise.
     *
     * @param store the parameter store
     * @param sample noisy latents (B, in, H, W); H and W divisible by 2^(levels−1)
     * @param timesteps (B) or a scalar, any numeric type
     * @param context the conditioning sequence (B, M, cross_attention_dim)
     * @param training whether this is a training pass
     * @return (B, out, H, W)
     */
    public NDArray forward(ParameterStore store, NDArray sample, NDArray timesteps, NDArray context,
            boolean training) {
        return forward(store, sample, timesteps, context, null, null, training);
    }

    /**
     * Predicts the noise with ControlNet-style residuals (Zhang et al. 2023): {@code downResiduals[i]} is added to
     * the i-th skip connection (in the order the encoder produces them, {@link #skipShapes}) and
     * {@code midResidual} to the mid block's output, before the decoder uses them. DiffusionFake injects the
     * detector's features into a frozen UNet this way.
     *
     * @param store the parameter store
     * @param sample noisy latents (B, in, H, W)
     * @param timesteps (B) or a scalar
     * @param context the conditioning sequence (B, M, cross_attention_dim)
     * @param downResiduals one array per skip connection, each of that skip's shape, or null for none
     * @param midResidual an array of the mid block's output shape, or null
     * @param training whether this is a training pass
     * @return (B, out, H, W)
     */
    public NDArray forward(ParameterStore store, NDArray sample, NDArray timesteps, NDArray context,
            List<NDArray> downResiduals, NDArray midResidual, boolean training) {
        Shape s = sample.getShape();
        if (s.dimension() != 4 || s.get(1) != config.inChannels()) {
            throw new IllegalArgumentException("UNet2DConditionModel: sample must be (B, " + config.inChannels()
                    + ", H, W), got " + s);
        }
        long factor = 1L << (config.blockOutChannels().size() - 1);
        if (s.get(2) % factor != 0 || s.get(3) % factor != 0) {
            throw new IllegalArgumentException("UNet2DConditionModel: H and W must be divisible by " + factor
                    + " (2^(levels-1)), got " + s);
        }
        Shape cs = context.getShape();
        if (cs.dimension() != 3 || cs.get(0) != s.get(0) || cs.get(2) != config.crossAttentionDim()) {
            throw new IllegalArgumentException("UNet2DConditionModel: context must be (" + s.get(0) + ", M, "
                    + config.crossAttentionDim() + "), got " + cs);
        }
        NDArray x = config.centerInputSample() ? Scalars.sub(Scalars.mul(sample, 2f), 1f) : sample;
        NDArray emb = timestepEmbedding(timesteps, s.get(0));
        NDArray temb = timeLinear2.forward(store,
                ActivationFunction.SILU.apply(timeLinear1.forward(store, emb, training)), training);
        NDArray h = convIn.forward(store, x, training);
        List<NDArray> skips = new ArrayList<>();
        skips.add(h);
        for (DownBlock2D b : downBlocks) {
            h = b.forward(store, h, temb, context, skips, training);
        }
        h = midBlock.forward(store, h, temb, context, training);
        if (downResiduals != null) {
            if (downResiduals.size() != skips.size()) {
                throw new IllegalArgumentException("UNet2DConditionModel: " + skips.size()
                        + " down residuals expected (one per skip connection), got " + downResiduals.size());
            }
            for (int i = 0; i < skips.size(); i++) {
                skips.set(i, skips.get(i).add(downResiduals.get(i)));
            }
        }
        if (midResidual != null) {
            h = h.add(midResidual);
        }
        Deque<NDArray> stack = new ArrayDeque<>(skips);
        for (UpBlock2D b : upBlocks) {
            h = b.forward(store, h, stack, temb, context, training);
        }
        h = ActivationFunction.SILU.apply(convNormOut.forward(store, h, training));
        return convOut.forward(store, h, training);
    }

    /**
     * The shapes of the skip connections (the residuals
     * {@link #forward(ParameterStore, NDArray, NDArray, NDArray, List, NDArray, boolean)} accepts) and, last, of the mid block's output, for a latent of the given
     * size.
     *
     * @param batch B
     * @param height latent height
     * @param width latent width
     * @return one (B, C, h, w) shape per skip connection, then the mid block's
     */
    public List<Shape> skipShapes(long batch, long height, long width) {
        List<Shape> out = new ArrayList<>();
        List<Integer> boc = config.blockOutChannels();
        long h = height;
        long w = width;
        out.add(new Shape(batch, boc.get(0), h, w));
        for (int i = 0; i < boc.size(); i++) {
            for (int j = 0; j < config.layersPerBlock(); j++) {
                out.add(new Shape(batch, boc.get(i), h, w));
            }
            if (i < boc.size() - 1) {
                h = (h + 1) / 2;
                w = (w + 1) / 2;
                out.add(new Shape(batch, boc.get(i), h, w));
            }
        }
        out.add(new Shape(batch, boc.get(boc.size() - 1), h, w));
        return out;
    }

    /**
     * The sinusoidal timestep embedding (Vaswani et al. 2017, as diffusers' {@code get_timestep_embedding} with
     * max period 10000): frequencies {@code exp(−ln(10000)·i / (d/2 − freq_shift))}, [cos, sin] when
     * {@code flip_sin_to_cos}, else [sin, cos]. The frequencies are computed in float32 as the reference does.
     *
     * @param timesteps (B) or a scalar
     * @param batch B
     * @return (B, block_out_channels[0]) in the timesteps' manager
     */
    public NDArray timestepEmbedding(NDArray timesteps, long batch) {
        int dim = config.blockOutChannels().get(0);
        int half = dim / 2;
        float[] exponent = new float[half];
        float logMax = (float) -Math.log(10000.0);
        for (int i = 0; i < half; i++) {
            exponent[i] = logMax * i / (float) (half - config.freqShift());
        }
        NDArray t = Owned.as(timesteps, DataType.FLOAT32);
        if (t.getShape().dimension() == 0 || t.getShape().size() == 1) {
            t = t.reshape(1).repeat(0, batch);
        }
        if (t.getShape().dimension() != 1 || t.getShape().get(0) != batch) {
            throw new IllegalArgumentException("UNet2DConditionModel: timesteps must be a scalar or (" + batch
                    + "), got " + timesteps.getShape());
        }
        NDArray freqs = Owned.floats(t.getManager(), exponent, new Shape(1, half)).exp();
        NDArray arg = t.reshape(batch, 1).mul(freqs);
        NDArray sin = arg.sin();
        NDArray cos = arg.cos();
        return config.flipSinToCos() ? cos.concat(sin, 1) : sin.concat(cos, 1);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() != 3) {
            throw new IllegalArgumentException("UNet2DConditionModel takes [sample, timesteps, context], got "
                    + inputs.size() + " arrays");
        }
        return new NDList(forward(store, inputs.get(0), inputs.get(1), inputs.get(2), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), config.outChannels(), s.get(2), s.get(3))};
    }

    /** {@code time_embedding}: {@code linear_1}, SiLU, {@code linear_2}. */
    private static final class TimeEmbedding extends FixedShapeBlock {
        TimeEmbedding(Linear linear1, Linear linear2) {
            addChildBlock("linear_1", linear1);
            addChildBlock("linear_2", linear2);
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
            throw new UnsupportedOperationException("called through UNet2DConditionModel.forward");
        }
    }
}
