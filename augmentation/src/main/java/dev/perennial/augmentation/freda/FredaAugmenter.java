package dev.perennial.augmentation.freda;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.perennial.augmentation.ImageShape;
import dev.perennial.augmentation.StepRandom;
import dev.perennial.models.nn.Owned;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.Batch;
import dev.perennial.spi.StepContext;
import java.util.SplittableRandom;

/**
 * Replaces eligible fakes by their FreDA mix with the corresponding real frame; the label stays "fake".
 * A sample is eligible when its label is {@code fakeLabel} and, if {@code selectInput} is set, its selection
 * value is above 0.5; each eligible sample is mixed with probability {@code probability}.
 */
public final class FredaAugmenter implements Augmenter {

    private final FredaConfig config;
    private final long seed;
    private final MaskShape shape;
    private final SpectrumTransform transform;
    private final SpectrumMixing mixing;

    /**
     * Makes the augmenter.
     *
     * @param config the configuration
     * @param seed the plugin seed
     */
    public FredaAugmenter(FredaConfig config, long seed) {
        this.config = config;
        this.seed = seed;
        this.shape = config.shape();
        this.transform = config.spectrumTransform();
        this.mixing = config.spectrumMixing();
    }

    @Override
    public Batch apply(Batch batch, StepContext step) {
        if (!step.training() || batch.size() == 0) {
            return batch;
        }
        NDArray image = batch.input(config.imageInput());
        ImageShape s = ImageShape.of(image, "freda", config.imageInput());
        if (!batch.hasInput(config.pairedInput())) {
            throw new IllegalArgumentException("augmenter 'freda' needs the corresponding real frame of each sample "
                    + "in batch input '" + config.pairedInput() + "' (config field 'pairedInput'); the batch has "
                    + batch.inputs().stream().map(NDArray::getName).toList());
        }
        NDArray real = batch.input(config.pairedInput());
        if (!real.getShape().equals(image.getShape())) {
            throw new IllegalArgumentException("augmenter 'freda': paired input '" + config.pairedInput()
                    + "' has shape " + real.getShape() + " but the images have " + image.getShape());
        }
        long[] labels = batch.requireLabels().toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
        float[] select = null;
        if (!config.selectInput().isEmpty()) {
            NDArray sel = batch.input(config.selectInput());
            if (sel.size() != s.batch()) {
                throw new IllegalArgumentException("augmenter 'freda': select input '" + config.selectInput()
                        + "' has shape " + sel.getShape() + "; expected one value per sample (" + s.batch() + ")");
            }
            select = sel.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        }
        SplittableRandom random = StepRandom.forStep(seed, step);
        float[] chosen = new float[s.batch()];
        boolean any = false;
        for (int i = 0; i < s.batch(); i++) {
            boolean eligible = labels[i] == config.fakeLabel() && (select == null || select[i] > 0.5f);
            // Draw for every sample, eligible or not, so one sample's eligibility never shifts another's draw.
            boolean hit = random.nextDouble() < config.probability();
            if (eligible && hit) {
                chosen[i] = 1f;
                any = true;
            }
        }
        if (!any) {
            return batch;
        }
        float[] mask = FrequencyMix.lowFrequencyMask(s.height(), s.width(), config.radius(), shape);
        NDArray mixed = FrequencyMix.mix(real, image, mask, mixing, transform, config.clip());
        NDArray pick = Owned.floats(step.manager(), chosen, new Shape(s.batch(), 1, 1, 1)).toDevice(image.getDevice(), false);
        NDArray out = mixed.mul(pick).add(image.mul(pick.neg().add(1f)));
        return batch.withInput(config.imageInput(), out);
    }
}
