package dev.perennial.deepfake.curriculum;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.augmentation.freda.FredaConfig;
import dev.perennial.augmentation.freda.FrequencyMix;
import dev.perennial.models.nn.Owned;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.Batch;
import dev.perennial.spi.StepContext;

/**
 * Replaces the fakes the curriculum rated low-quality by their FreDA mix with the corresponding real frame
 * (x_a = Re(iFFT2(F_r ⊙ M + F_f ⊙ (1 − M))), specs/deepfake.md §A.1.2, through the augmentation module's
 * {@link FrequencyMix}); labels stay "fake". Also reports each step's learning rate to the {@link QualityBoard}.
 */
public final class QualityFredaAugmenter implements Augmenter {
    private final FredaConfig freda;
    private final QualityBoard board;

    /**
     * Makes the augmenter.
     *
     * @param config the configuration
     * @param board the board shared with the sampler
     */
    public QualityFredaAugmenter(QualityFredaConfig config, QualityBoard board) {
        this.freda = config.fredaConfig();
        this.board = board;
    }

    @Override
    public Batch apply(Batch batch, StepContext step) {
        if (!step.training() || batch.size() == 0) {
            return batch;
        }
        board.postLearningRate(step.learningRate());
        long[] ids = batch.sampleIds();
        float[] chosen = new float[ids.length];
        boolean any = false;
        for (int i = 0; i < ids.length; i++) {
            if (board.isLowQuality(ids[i])) {
                chosen[i] = 1f;
                any = true;
            }
        }
        if (!any) {
            return batch;
        }
        NDArray image = batch.input(freda.imageInput());
        if (image.getDataType() != DataType.FLOAT32 || image.getShape().dimension() < 4) {
            throw new IllegalArgumentException("augmenter 'quality-freda': input '" + freda.imageInput()
                    + "' must be float32 B×C×H×W or B×T×C×H×W; it is " + image.getDataType() + " " + image.getShape());
        }
        if (!batch.hasInput(freda.pairedInput())) {
            throw new IllegalArgumentException("augmenter 'quality-freda' needs each fake's corresponding real frame "
                    + "in batch input '" + freda.pairedInput() + "' (config field 'pairedInput'); the batch has "
                    + batch.inputs().stream().map(NDArray::getName).toList());
        }
        NDArray real = batch.input(freda.pairedInput());
        Shape s = image.getShape();
        int h = (int) s.get(s.dimension() - 2);
        int w = (int) s.get(s.dimension() - 1);
        float[] mask = FrequencyMix.lowFrequencyMask(h, w, freda.radius(), freda.shape());
        NDArray mixed = FrequencyMix.mix(real, image, mask, freda.spectrumMixing(), freda.spectrumTransform(),
                freda.clip());
        long[] pickShape = new long[s.dimension()];
        java.util.Arrays.fill(pickShape, 1);
        pickShape[0] = ids.length;
        NDArray pick = Owned.floats(step.manager(), chosen, new Shape(pickShape)).toDevice(image.getDevice(), false);
        NDArray out = mixed.mul(pick).add(image.mul(pick.neg().add(1f)));
        return batch.withInput(freda.imageInput(), out);
    }
}
