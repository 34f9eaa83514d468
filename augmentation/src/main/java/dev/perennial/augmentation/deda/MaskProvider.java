package dev.perennial.augmentation.deda;

import ai.djl.ndarray.NDArray;
import dev.perennial.spi.Batch;
import dev.perennial.spi.StepContext;

/**
 * Where De-DA's object masks come from (spec §4 item 1, "Segmenter"). Built in: {@code dataset} (the batch's
 * {@code mask} input) and {@code saliency} (spectral residual, {@link SpectralResidualSaliency}); a SAM runner
 * or any other segmenter can implement this interface and register it with {@link java.util.ServiceLoader}
 * ({@code provides dev.perennial.augmentation.deda.MaskProvider with ...}, public no-argument constructor), then
 * be chosen with the {@code de-da} config field {@code maskSource}.
 */
public interface MaskProvider {

    /**
     * The name the {@code maskSource} config field uses.
     *
     * @return lower-case letters, digits and dashes
     */
    String name();

    /**
     * The foreground masks of a batch.
     *
     * @param batch the batch
     * @param images the images, float32 B×C×H×W in [0, 1]
     * @param step the step; put new arrays in {@code step.manager()}
     * @return float32 B×1×H×W in [0, 1], 1 on the object
     */
    NDArray masks(Batch batch, NDArray images, StepContext step);
}
