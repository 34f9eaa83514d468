package dev.perennial.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.cnn.Conv2dLayer;
import dev.perennial.models.nn.ActivationFunction;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.ModuleList;
import dev.perennial.models.nn.Scalars;
import java.util.ArrayList;
import java.util.List;

/**
 * The KL-regularised autoencoder of latent diffusion (Rombach et al. 2022) with diffusers' {@code AutoencoderKL}
 * names: {@code encoder.*} (conv_in, down_blocks with resnets and downsamplers, mid_block, conv_norm_out, conv_out
 * to 2 × latent channels), {@code quant_conv}, {@code post_quant_conv}, {@code decoder.*} (conv_in, mid_block,
 * up_blocks with upsamplers, conv_norm_out, conv_out).
 *
 * <p>{@link #encode} gives the posterior's mean and log-variance (clamped to [−30, 20]); {@link #decode} maps a
 * latent back to an image. Diffusion runs on {@code scaling_factor × z}; {@link #toDiffusionLatent} and
 * {@link #fromDiffusionLatent} apply and undo that factor.
 */
public final class AutoencoderKL extends FixedShapeBlock {
    private final AutoencoderKLConfig config;
    private final Coder encoder;
    private final Coder decoder;
    private final Conv2dLayer quantConv;
    private final Conv2dLayer postQuantConv;

    /**
     * Builds the autoencoder (random initialisation).
     *
     * @param config the configuration
     */
    public AutoencoderKL(AutoencoderKLConfig config) {
        this.config = config;
        int lc = config.latentChannels();
        this.encoder = addChildBlock("encoder", Coder.encoder(config));
        this.decoder = addChildBlock("decoder", Coder.decoder(config));
        this.quantConv = addChildBlock("quant_conv", new Conv2dLayer(2 * lc, 2 * lc, 1, 1, 0, 1, true));
        this.postQuantConv = addChildBlock("post_quant_conv", new Conv2dLayer(lc, lc, 1, 1, 0, 1, true));
    }

    /** @return the configuration */
    public AutoencoderKLConfig config() {
        return config;
    }

    /**
     * The posterior of the latent.
     *
     * @param store the parameter store
     * @param image (B, in, H, W), values in [−1, 1]
     * @param training whether this is a training pass
     * @return [mean, logvar], each (B, latent, H/2^(levels−1), W/2^(levels−1))
     */
    public NDList encode(ParameterStore store, NDArray image, boolean training) {
        Shape s = image.getShape();
        if (s.dimension() != 4 || s.get(1) != config.inChannels()) {
            throw new IllegalArgumentException("AutoencoderKL: image must be (B, " + config.inChannels()
                    + ", H, W), got " + s);
        }
        NDArray moments = quantConv.forward(store, encoder.forward(store, image, training), training);
        NDList halves = moments.split(2, 1);
        return new NDList(halves.get(0), Scalars.minimum(Scalars.maximum(halves.get(1), -30f), 20f));
    }

    /**
     * A latent sample {@code mean + exp(logvar/2)·noise} (the reparameterisation).
     *
     * @param posterior [mean, logvar] from {@link #encode}
     * @param noise standard normal noise of the mean's shape
     * @return the latent
     */
    public static NDArray sample(NDList posterior, NDArray noise) {
        return posterior.get(0).add(Scalars.mul(posterior.get(1), 0.5f).exp().mul(noise));
    }

    /**
     * Decodes a latent.
     *
     * @param store the parameter store
     * @param latent (B, latent, h, w), unscaled
     * @param training whether this is a training pass
     * @return (B, out, h·2^(levels−1), w·2^(levels−1))
     */
    public NDArray decode(ParameterStore store, NDArray latent, boolean training) {
        Shape s = latent.getShape();
        if (s.dimension() != 4 || s.get(1) != config.latentChannels()) {
            throw new IllegalArgumentException("AutoencoderKL: latent must be (B, " + config.latentChannels()
                    + ", h, w), got " + s);
        }
        return decoder.forward(store, postQuantConv.forward(store, latent, training), training);
    }

    /**
     * {@code scaling_factor · z}.
     *
     * @param latent z
     * @return the latent diffusion works on
     */
    public NDArray toDiffusionLatent(NDArray latent) {
        return Scalars.mul(latent, config.scalingFactor());
    }

    /**
     * {@code z / scaling_factor}.
     *
     * @param latent a diffusion latent
     * @return z, for {@link #decode}
     */
    public NDArray fromDiffusionLatent(NDArray latent) {
        return Scalars.div(latent, config.scalingFactor());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(decode(store, encode(store, inputs.singletonOrThrow(), training).get(0), training));
    }

    /** The encoder or the decoder. */
    private static final class Coder extends FixedShapeBlock {
        private final boolean isEncoder;
        private final Conv2dLayer convIn;
        private final List<DownBlock2D> downBlocks = new ArrayList<>();
        private final List<UpDecoderBlock2D> upBlocks = new ArrayList<>();
        private final MidBlock2D midBlock;
        private final GroupNorm convNormOut;
        private final Conv2dLayer convOut;

        private Coder(AutoencoderKLConfig c, boolean isEncoder) {
            this.isEncoder = isEncoder;
            List<Integer> boc = c.blockOutChannels();
            int levels = boc.size();
            int groups = c.normNumGroups();
            int last = boc.get(levels - 1);
            if (isEncoder) {
                convIn = addChildBlock("conv_in", new Conv2dLayer(c.inChannels(), boc.get(0), 3, 1, 1, 1, true));
                int out = boc.get(0);
                for (int i = 0; i < levels; i++) {
                    int in = out;
                    out = boc.get(i);
                    downBlocks.add(new DownBlock2D(in, out, c.layersPerBlock(), 0, groups, 1e-6f, null,
                            i < levels - 1 ? 0 : -1));
                }
                addChildBlock("down_blocks", new ModuleList<>(downBlocks));
                midBlock = addChildBlock("mid_block", MidBlock2D.selfAttention(last, groups));
                convNormOut = addChildBlock("conv_norm_out", new GroupNorm(groups, last, 1e-6f));
                convOut = addChildBlock("conv_out", new Conv2dLayer(last, 2 * c.latentChannels(), 3, 1, 1, 1, true));
            } else {
                convIn = addChildBlock("conv_in", new Conv2dLayer(c.latentChannels(), last, 3, 1, 1, 1, true));
                midBlock = addChildBlock("mid_block", MidBlock2D.selfAttention(last, groups));
                int out = last;
                for (int i = 0; i < levels; i++) {
                    int prev = out;
                    out = boc.get(levels - 1 - i);
                    upBlocks.add(new UpDecoderBlock2D(prev, out, c.layersPerBlock() + 1, groups, i < levels - 1));
                }
                addChildBlock("up_blocks", new ModuleList<>(upBlocks));
                convNormOut = addChildBlock("conv_norm_out", new GroupNorm(groups, boc.get(0), 1e-6f));
                convOut = addChildBlock("conv_out", new Conv2dLayer(boc.get(0), c.outChannels(), 3, 1, 1, 1, true));
            }
        }

        static Coder encoder(AutoencoderKLConfig c) {
            return new Coder(c, true);
        }

        static Coder decoder(AutoencoderKLConfig c) {
            return new Coder(c, false);
        }

        NDArray forward(ParameterStore store, NDArray x, boolean training) {
            NDArray h = convIn.forward(store, x, training);
            if (isEncoder) {
                for (DownBlock2D b : downBlocks) {
                    h = b.forward(store, h, null, null, null, training);
                }
                h = midBlock.forward(store, h, null, null, training);
            } else {
                h = midBlock.forward(store, h, null, null, training);
                for (UpDecoderBlock2D b : upBlocks) {
                    h = b.forward(store, h, training);
                }
            }
            return convOut.forward(store, ActivationFunction.SILU.apply(convNormOut.forward(store, h, training)),
                    training);
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
            return new NDList(forward(store, inputs.singletonOrThrow(), training));
        }
    }

    /** diffusers' {@code UpDecoderBlock2D}: resnets without time embedding or skips, then an optional upsampler. */
    private static final class UpDecoderBlock2D extends FixedShapeBlock {
        private final ModuleList<ResnetBlock2D> resnets;
        private final Upsample2D upsampler;

        UpDecoderBlock2D(int in, int out, int layers, int groups, boolean upsample) {
            List<ResnetBlock2D> rs = new ArrayList<>();
            for (int j = 0; j < layers; j++) {
                rs.add(new ResnetBlock2D(j == 0 ? in : out, out, 0, groups, 1e-6f));
            }
            resnets = addChildBlock("resnets", new ModuleList<>(rs));
            upsampler = upsample ? new Upsample2D(out) : null;
            if (upsampler != null) {
                addChildBlock("upsamplers", new ModuleList<>(List.of(upsampler)));
            }
        }

        NDArray forward(ParameterStore store, NDArray h, boolean training) {
            for (ResnetBlock2D r : resnets.items()) {
                h = r.forward(store, h, null, training);
            }
            return upsampler == null ? h : upsampler.forward(store, h, training);
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
            return new NDList(forward(store, inputs.singletonOrThrow(), training));
        }
    }
}
