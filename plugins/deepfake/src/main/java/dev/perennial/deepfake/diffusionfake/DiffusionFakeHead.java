package dev.perennial.deepfake.diffusionfake;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.diffusion.NoiseSchedule;
import dev.perennial.models.diffusion.UNet2DConditionModel;
import dev.perennial.models.nn.FixedShapeBlock;
import java.util.List;

/**
 * The training-only DiffusionFake head (Chen et al. 2024; spec Part D): the detector's feature map guides a frozen
 * latent-diffusion UNet to reconstruct the source and the target face of a forgery.
 *
 * <pre>
 * z_τ^s = √ᾱ_τ z₀^s + √(1−ᾱ_τ) ε,   z_τ^t = √ᾱ_τ z₀^t + √(1−ᾱ_τ) ε          (one ε for both branches)
 * ε̂_s = U(z_τ^s, τ, ∅, w_s · G_s(F)),   ε̂_t = U(z_τ^t, τ, ∅, w_t · G_t(F))
 * L = mean((ε − ε̂_s)²) + mean((ε − ε̂_t)²) + MSE(w_s, σ_s) + MSE(w_t, σ_t)   (each weight configurable, default 1)
 * </pre>
 * The detector's own BCE term is the learner's. The generator is held by reference, frozen, and is not a child of
 * this block: the head's parameters ({@code source.*}, {@code target.*}, {@code weight_source.*},
 * {@code weight_target.*}) are what a distiller hands to the optimizer, and neither they nor the generator's are
 * part of the exported detector.
 */
public final class DiffusionFakeHead extends FixedShapeBlock {
    private final UNet2DConditionModel generator;
    private final NoiseSchedule schedule;
    private final GuideBranch source;
    private final GuideBranch target;
    private final WeightNet weightSource;
    private final WeightNet weightTarget;

    /**
     * Creates the head and freezes the generator.
     *
     * @param generator the pre-trained latent UNet (its parameters are frozen here)
     * @param schedule its training noise schedule
     * @param featureChannels the detector's feature-map channels
     * @param upsamplings transposed convolutions from the feature map to the latent resolution
     * @param filterOut the feature filter's output channels
     * @param heads the feature filter's attention heads
     * @param weightChannels the weight module's convolution widths (after the feature channels)
     * @param weightHidden the weight module's hidden width
     * @param latentSize the latent's side
     */
    public DiffusionFakeHead(UNet2DConditionModel generator, NoiseSchedule schedule, int featureChannels,
            int upsamplings, int filterOut, int heads, List<Integer> weightChannels, int weightHidden,
            int latentSize) {
        this.generator = generator;
        this.schedule = schedule;
        generator.freezeParameters(true);
        List<Shape> shapes = generator.skipShapes(1, latentSize, latentSize);
        this.source = addChildBlock("source",
                new GuideBranch(featureChannels, upsamplings, filterOut, heads, shapes));
        this.target = addChildBlock("target",
                new GuideBranch(featureChannels, upsamplings, filterOut, heads, shapes));
        List<Integer> widths = new java.util.ArrayList<>();
        widths.add(featureChannels);
        widths.addAll(weightChannels);
        this.weightSource = addChildBlock("weight_source", new WeightNet(widths, weightHidden));
        this.weightTarget = addChildBlock("weight_target", new WeightNet(widths, weightHidden));
    }

    /** @return the frozen generator */
    public UNet2DConditionModel generator() {
        return generator;
    }

    /**
     * The head's loss terms for a batch.
     *
     * @param store the parameter store
     * @param features the detector's feature map (B, C, h, w)
     * @param sourceLatent z₀^s, the scaled VAE latent of the source image (B, 4, H, W)
     * @param targetLatent z₀^t (reals: the same as the source)
     * @param sourceSimilarity σ_s (B)
     * @param targetSimilarity σ_t (B)
     * @param timesteps τ per sample
     * @param noise ε, the latent's shape, shared by both branches
     * @param emptyContext the empty-prompt conditioning (B, M, cross_attention_dim)
     * @param training whether this is a training pass
     * @return the terms and the per-sample weights
     */
    public Terms loss(ParameterStore store, NDArray features, NDArray sourceLatent, NDArray targetLatent,
            NDArray sourceSimilarity, NDArray targetSimilarity, int[] timesteps, NDArray noise, NDArray emptyContext,
            boolean training) {
        NDArray t = NoiseSchedule.timestepArray(sourceLatent, timesteps);
        NDArray zs = schedule.addNoise(sourceLatent, noise, timesteps);
        NDArray zt = schedule.addNoise(targetLatent, noise, timesteps);
        NDArray ws = weightSource.forward(store, features, training);
        NDArray wt = weightTarget.forward(store, features, training);
        List<NDArray> rs = source.residuals(store, features, ws, training);
        List<NDArray> rt = target.residuals(store, features, wt, training);
        NDArray es = generator.forward(store, zs, t, emptyContext, rs.subList(0, rs.size() - 1),
                rs.get(rs.size() - 1), training);
        NDArray et = generator.forward(store, zt, t, emptyContext, rt.subList(0, rt.size() - 1),
                rt.get(rt.size() - 1), training);
        return new Terms(NoiseSchedule.epsilonLoss(es, noise), NoiseSchedule.epsilonLoss(et, noise),
                ws.sub(sourceSimilarity).square().mean(), wt.sub(targetSimilarity).square().mean(), ws, wt);
    }

    /**
     * The similarity target of the weight module (spec D.1.2): {@code (cos(flatten(z_ori), flatten(z_other)) + 1)/2}
     * per sample.
     *
     * @param original the latent of the detector's input (B, …)
     * @param other the latent of the source or target image (B, …)
     * @return (B) in [0, 1]
     */
    public static NDArray similarityTarget(NDArray original, NDArray other) {
        long b = original.getShape().get(0);
        NDArray a = original.reshape(b, -1);
        NDArray o = other.reshape(b, -1);
        NDArray cos = a.mul(o).sum(new int[] {1}).div(a.norm(new int[] {1}).mul(o.norm(new int[] {1})));
        return dev.perennial.models.nn.Scalars.mul(dev.perennial.models.nn.Scalars.add(cos, 1f), 0.5f);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("DiffusionFakeHead is a training-only head; call loss(...)");
    }

    /**
     * The head's loss terms.
     *
     * @param reconstructionSource mean((ε − ε̂_s)²)
     * @param reconstructionTarget mean((ε − ε̂_t)²)
     * @param weightSource MSE(w_s, σ_s)
     * @param weightTarget MSE(w_t, σ_t)
     * @param sourceWeights w_s (B)
     * @param targetWeights w_t (B)
     */
    public record Terms(NDArray reconstructionSource, NDArray reconstructionTarget, NDArray weightSource,
            NDArray weightTarget, NDArray sourceWeights, NDArray targetWeights) {
        /**
         * The weighted sum.
         *
         * @param reconstruction weight of each reconstruction term (spec: 1)
         * @param weightRegression weight of each weight-regression term (spec: 1)
         * @return the total
         */
        public NDArray total(float reconstruction, float weightRegression) {
            NDArray rec = reconstructionSource.add(reconstructionTarget);
            NDArray reg = weightSource.add(weightTarget);
            return dev.perennial.models.nn.Scalars.mul(rec, reconstruction)
                    .add(dev.perennial.models.nn.Scalars.mul(reg, weightRegression));
        }
    }
}
