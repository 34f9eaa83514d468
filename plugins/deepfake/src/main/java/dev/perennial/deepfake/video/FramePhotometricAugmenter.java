package dev.perennial.deepfake.video;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.augmentation.StepRandom;
import dev.perennial.models.nn.Owned;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.Batch;
import dev.perennial.spi.StepContext;
import java.util.SplittableRandom;

/**
 * The per-image transforms of StA's training augmentation that act on whole frames (specs/deepfake.md §B.2:
 * horizontal flip p = 0.5, brightness and contrast ±0.1): per sample, x' = clip((x − mean(x))·c + mean(x) + b, 0, 1),
 * then a horizontal flip. Random numbers are drawn from {@code step.seed()} in sample order, three per sample,
 * whatever the pixels, so {@link ClipConsistentAugmenter} gives every frame of a clip the same transform.
 * Rotation, blur and JPEG of the released augmentation are not implemented here.
 */
public final class FramePhotometricAugmenter implements Augmenter {
    private final ClipConsistentConfig config;
    private final long seed;

    /**
     * Makes the augmenter.
     *
     * @param config the transform ranges
     * @param seed the plugin seed
     */
    public FramePhotometricAugmenter(ClipConsistentConfig config, long seed) {
        this.config = config;
        this.seed = seed;
    }

    @Override
    public Batch apply(Batch batch, StepContext step) {
        if (!step.training() || batch.size() == 0) {
            return batch;
        }
        NDArray x = batch.input(config.frameInput());
        Shape s = x.getShape();
        if (s.dimension() != 4 || x.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("clip-consistent: frames must be float32 B×C×H×W; got "
                    + x.getDataType() + " " + s);
        }
        int b = (int) s.get(0);
        float[] flip = new float[b];
        float[] brightness = new float[b];
        float[] contrast = new float[b];
        SplittableRandom random = StepRandom.forStep(seed, step);
        for (int i = 0; i < b; i++) {
            flip[i] = random.nextDouble() < config.flipProbability() ? 1f : 0f;
            brightness[i] = (float) ((2 * random.nextDouble() - 1) * config.brightness());
            contrast[i] = (float) (1 + (2 * random.nextDouble() - 1) * config.contrast());
        }
        Shape perSample = new Shape(b, 1, 1, 1);
        NDArray f = Owned.floats(step.manager(), flip, perSample).toDevice(x.getDevice(), false);
        NDArray br = Owned.floats(step.manager(), brightness, perSample).toDevice(x.getDevice(), false);
        NDArray ct = Owned.floats(step.manager(), contrast, perSample).toDevice(x.getDevice(), false);
        NDArray mean = x.reshape(b, -1).mean(new int[] {1}).reshape(perSample);
        NDArray y = x.sub(mean).mul(ct).add(mean).add(br).clip(0f, 1f);
        NDArray flipped = y.flip(3);
        NDArray out = flipped.mul(f).add(y.mul(f.neg().add(1f)));
        return batch.withInput(config.frameInput(), out);
    }
}
