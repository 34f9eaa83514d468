package dev.perennial.models.clip;

import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.ModuleList;
import java.util.ArrayList;
import java.util.List;

/** HF {@code CLIPEncoder}: the container {@code layers} of encoder layers. */
public final class ClipEncoder extends FixedShapeBlock {
    private final ModuleList<ClipEncoderLayer> layers;

    /**
     * Creates the encoder.
     *
     * @param config the tower config
     */
    public ClipEncoder(ClipVisionConfig config) {
        List<ClipEncoderLayer> list = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            list.add(new ClipEncoderLayer(config));
        }
        this.layers = addChildBlock("layers", new ModuleList<>(list));
    }

    /** @return the layers in order */
    public List<ClipEncoderLayer> layers() {
        return layers.items();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return layers.forward(store, inputs, training, params);
    }
}
