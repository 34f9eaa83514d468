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
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Cutmix: pastes one box (the same for the whole batch, as in the official code) from a partner image of a
 * random permutation and weights the labels by area.
 */
public final class CutmixAugmenter implements Augmenter {

    private final CutmixConfig config;
    private final long seed;

    /**
     * Makes the augmenter.
     *
     * @param config the configuration
     * @param seed the plugin seed
     */
    public CutmixAugmenter(CutmixConfig config, long seed) {
        this.config = config;
        this.seed = seed;
    }

    @Override
    public Batch apply(Batch batch, StepContext step) {
        if (!step.training() || batch.size() == 0) {
            return batch;
        }
        MixupAugmenter.requireUnmixed(batch, "cutmix");
        NDArray image = batch.input(config.imageInput());
        ImageShape shape = ImageShape.of(image, "cutmix", config.imageInput());
        NDArray labels = batch.requireLabels();
        SplittableRandom random = StepRandom.forStep(seed, step);
        if (random.nextDouble() >= config.probability()) {
            return batch;
        }
        double lambda = BetaDistribution.sample(random, config.alpha(), config.alpha());
        long[] perm = BatchPermutation.draw(shape.batch(), random);
        CutmixBox box = CutmixBox.draw(lambda, shape.height(), shape.width(), random);
        NDManager manager = step.manager();
        NDArray index = Owned.longs(manager, perm).toDevice(image.getDevice(), false);
        NDArray inBox = Owned.floats(manager, box.plane(), new Shape(1, 1, shape.height(), shape.width()))
                .toDevice(image.getDevice(), false);
        NDArray partner = image.get(new NDIndex("{}", index));
        NDArray mixed = image.mul(inBox.neg().add(1f)).add(partner.mul(inBox));
        float[] weights = new float[shape.batch()];
        Arrays.fill(weights, (float) box.keptFraction());
        NDArray secondLabels = labels.get(new NDIndex("{}", index.toDevice(labels.getDevice(), false)));
        return batch.withInput(config.imageInput(), mixed)
                .withLabelMix(new LabelMix(secondLabels, Owned.floats(manager, weights).toDevice(labels.getDevice(), false)));
    }
}
