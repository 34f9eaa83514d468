package dev.perennial.augmentation.mixing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.perennial.augmentation.BetaDistribution;
import dev.perennial.augmentation.ImageShape;
import dev.perennial.augmentation.StepRandom;
import dev.perennial.models.nn.Owned;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LabelMix;
import dev.perennial.spi.StepContext;
import java.util.SplittableRandom;

/**
 * Mixup: blends every image with a partner from a random permutation of the batch and records the partner's
 * label with weight 1 − λ (Zhang et al., ICLR 2018, eq. 1).
 */
public final class MixupAugmenter implements Augmenter {

    private final MixupConfig config;
    private final long seed;

    /**
     * Makes the augmenter.
     *
     * @param config the configuration
     * @param seed the plugin seed
     */
    public MixupAugmenter(MixupConfig config, long seed) {
        this.config = config;
        this.seed = seed;
    }

    @Override
    public Batch apply(Batch batch, StepContext step) {
        if (!step.training() || batch.size() == 0) {
            return batch;
        }
        requireUnmixed(batch, "mixup");
        NDArray image = batch.input(config.imageInput());
        ImageShape shape = ImageShape.of(image, "mixup", config.imageInput());
        NDArray labels = batch.requireLabels();
        SplittableRandom random = StepRandom.forStep(seed, step);
        if (random.nextDouble() >= config.probability()) {
            return batch;
        }
        int n = shape.batch();
        float[] lambda = new float[n];
        if (config.perSampleLambda()) {
            for (int i = 0; i < n; i++) {
                lambda[i] = (float) BetaDistribution.sample(random, config.alpha(), config.alpha());
            }
        } else {
            java.util.Arrays.fill(lambda, (float) BetaDistribution.sample(random, config.alpha(), config.alpha()));
        }
        long[] perm = BatchPermutation.draw(n, random);
        NDManager manager = step.manager();
        // Owned: the weights reach the loss (LabelMix) and autograd keeps them for the backward pass; a from-blob
        // wrap of a Java buffer would depend on the collector not freeing it first (models.nn.Owned).
        NDArray index = Owned.longs(manager, perm);
        NDArray weights = Owned.floats(manager, lambda);
        NDArray w = weights.reshape(new Shape(n, 1, 1, 1)).toDevice(image.getDevice(), false);
        NDArray partner = image.get(new NDIndex("{}", index.toDevice(image.getDevice(), false)));
        NDArray mixed = image.mul(w).add(partner.mul(w.neg().add(1f)));
        NDArray secondLabels = labels.get(new NDIndex("{}", index.toDevice(labels.getDevice(), false)));
        return batch.withInput(config.imageInput(), mixed)
                .withLabelMix(new LabelMix(secondLabels, weights.toDevice(labels.getDevice(), false)));
    }

    static void requireUnmixed(Batch batch, String plugin) {
        if (batch.labelMix().isPresent()) {
            throw new IllegalStateException("augmenter '" + plugin + "' got a batch that another augmenter already "
                    + "mixed (it has a LabelMix); a batch carries one label mix, so list at most one of mixup "
                    + "and cutmix in the experiment");
        }
    }
}
