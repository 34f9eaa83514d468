package dev.perennial.augmentation.deda;

import ai.djl.ndarray.NDArray;
import dev.perennial.spi.Batch;
import dev.perennial.spi.StepContext;

/**
 * The masks that come with the dataset ({@code dataset}): the batch input {@code mask} (B×1×H×W, or B×H×W), as
 * CUB or Waterbirds ship them (spec §4 item 1, "provided masks").
 */
public final class DatasetMaskProvider implements MaskProvider {

    private final String inputName;

    /**
     * Reads masks from a batch input.
     *
     * @param inputName the input's name, usually {@code mask}
     */
    public DatasetMaskProvider(String inputName) {
        this.inputName = inputName;
    }

    @Override
    public String name() {
        return "dataset";
    }

    @Override
    public NDArray masks(Batch batch, NDArray images, StepContext step) {
        if (!batch.hasInput(inputName)) {
            throw new IllegalArgumentException("augmenter 'de-da': maskSource 'dataset' reads batch input '"
                    + inputName + "' (config field 'maskInput'), but the batch has only "
                    + batch.inputs().stream().map(NDArray::getName).toList()
                    + "; give the dataset masks or set maskSource to 'saliency' or 'auto'");
        }
        NDArray m = batch.input(inputName);
        if (m.getShape().dimension() == 3) {
            m = m.expandDims(1);
        }
        return m.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
    }
}
