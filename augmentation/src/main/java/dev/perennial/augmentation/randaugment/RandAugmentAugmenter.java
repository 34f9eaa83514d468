package dev.perennial.augmentation.randaugment;

import ai.djl.ndarray.NDArray;
import dev.perennial.augmentation.ImageShape;
import dev.perennial.augmentation.StepRandom;
import dev.perennial.models.nn.Owned;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.Batch;
import dev.perennial.spi.StepContext;
import java.util.SplittableRandom;

/** Applies N photometric operations, drawn per image, at magnitude M. Labels are unchanged. */
public final class RandAugmentAugmenter implements Augmenter {

    private static final PhotometricOp[] OPS = PhotometricOp.values();

    private final RandAugmentConfig config;
    private final long seed;

    /**
     * Makes the augmenter.
     *
     * @param config the configuration
     * @param seed the plugin seed
     */
    public RandAugmentAugmenter(RandAugmentConfig config, long seed) {
        this.config = config;
        this.seed = seed;
    }

    @Override
    public Batch apply(Batch batch, StepContext step) {
        if (!step.training() || batch.size() == 0 || config.numOps() == 0) {
            return batch;
        }
        NDArray image = batch.input(config.imageInput());
        ImageShape shape = ImageShape.of(image, "randaugment", config.imageInput());
        SplittableRandom random = StepRandom.forStep(seed, step);
        float[] all = image.toFloatArray();
        int size = shape.imageSize();
        float[] one = new float[size];
        double level = config.magnitude() / (double) (config.magnitudeBins() - 1);
        for (int b = 0; b < shape.batch(); b++) {
            System.arraycopy(all, b * size, one, 0, size);
            for (int k = 0; k < config.numOps(); k++) {
                PhotometricOp op = OPS[random.nextInt(OPS.length)];
                double signedLevel = op.signed() && random.nextBoolean() ? -level : level;
                op.apply(one, shape.channels(), shape.height(), shape.width(), signedLevel);
            }
            System.arraycopy(one, 0, all, b * size, size);
        }
        NDArray out = Owned.floats(step.manager(), all, shape.toShape()).toDevice(image.getDevice(), false);
        return batch.withInput(config.imageInput(), out);
    }
}
