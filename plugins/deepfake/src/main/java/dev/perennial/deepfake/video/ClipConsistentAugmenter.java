package dev.perennial.deepfake.video;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.Batch;
import dev.perennial.spi.StepContext;
import java.util.Arrays;

/**
 * Applies a per-image augmenter to every frame of a clip with the same random transform (specs/deepfake.md §B.1.6,
 * B.3.5: DeepfakeBench's {@code augmentation_seed} shared by all frames of a clip; property V11).
 *
 * <p>How: frame τ of every clip is handed to the inner augmenter as a B×C×H×W batch under the same
 * {@link StepContext}, so an inner augmenter that draws its random numbers from {@code step.seed()} in sample order
 * (every augmenter of this SDK does, as the SPI asks) draws the same transform for clip i at every frame. The inner
 * augmenter must not change labels differently across frames; that is checked.
 */
public final class ClipConsistentAugmenter implements Augmenter {
    private final Augmenter inner;
    private final String clipInput;
    private final String frameInput;

    /**
     * Wraps an image augmenter.
     *
     * @param inner the per-image augmenter
     * @param clipInput the batch input holding clips, B×T×C×H×W
     * @param frameInput the input name the inner augmenter reads images from (e.g. {@code image})
     */
    public ClipConsistentAugmenter(Augmenter inner, String clipInput, String frameInput) {
        this.inner = inner;
        this.clipInput = clipInput;
        this.frameInput = frameInput;
    }

    @Override
    public void beforeTask(dev.perennial.spi.TaskInfo task) {
        inner.beforeTask(task);
    }

    @Override
    public Batch apply(Batch batch, StepContext step) {
        if (!step.training() || batch.size() == 0) {
            return batch;
        }
        NDArray clips = batch.input(clipInput);
        Shape s = clips.getShape();
        if (s.dimension() != 5) {
            throw new IllegalArgumentException("clip-consistent augmentation: input '" + clipInput
                    + "' must be clips B×T×C×H×W; it has shape " + s);
        }
        NDList frames = new NDList();
        long[] labels = null;
        Batch last = batch;
        for (int f = 0; f < s.get(1); f++) {
            NDArray frame = clips.get(new NDIndex(":, " + f));
            Batch out = inner.apply(batch.withInput(frameInput, frame), step);
            NDArray result = out.input(frameInput);
            if (!result.getShape().equals(frame.getShape())) {
                throw new IllegalStateException("clip-consistent augmentation: the inner augmenter changed the frame "
                        + "shape from " + frame.getShape() + " to " + result.getShape());
            }
            if (out.labels().isPresent()) {
                long[] l = out.labels().get().toType(DataType.INT64, false).toLongArray();
                if (labels != null && !Arrays.equals(l, labels)) {
                    throw new IllegalStateException("clip-consistent augmentation: the inner augmenter relabelled "
                            + "frame " + f + " differently from frame 0; it cannot be applied per clip");
                }
                labels = l;
            }
            frames.add(result.expandDims(1));
            last = out;
        }
        Batch merged = batch.withInput(clipInput, NDArrays.concat(frames, 1));
        if (last.labels().isPresent()) {
            merged = merged.withLabels(last.labels().get());
        }
        if (last.labelMix().isPresent()) {
            merged = merged.withLabelMix(last.labelMix().get());
        }
        return merged;
    }
}
