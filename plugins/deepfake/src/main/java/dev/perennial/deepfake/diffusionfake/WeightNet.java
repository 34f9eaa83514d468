package dev.perennial.deepfake.diffusionfake;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.cnn.Conv2dLayer;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.ModuleList;
import java.util.ArrayList;
import java.util.List;

/**
 * DiffusionFake's Weight Module (spec Part D.1.1): 3×3 convolutions without activations between them (spec:
 * 1792 → 1024 → 512 → 256), global average pooling, {@code Linear(→ hidden)}, {@code Linear(hidden → 1)}, sigmoid:
 * one weight w ∈ (0, 1) per sample that scales every residual of its branch.
 */
public final class WeightNet extends FixedShapeBlock {
    private final List<Conv2dLayer> convs = new ArrayList<>();
    private final Linear fc1;
    private final Linear fc2;

    /**
     * Creates the module.
     *
     * @param channels input channels, then each convolution's output (at least two entries)
     * @param hidden the hidden width of the head (spec: 128)
     */
    public WeightNet(List<Integer> channels, int hidden) {
        if (channels.size() < 2) {
            throw new IllegalArgumentException("WeightNet: need the input width and at least one convolution width");
        }
        for (int i = 1; i < channels.size(); i++) {
            convs.add(new Conv2dLayer(channels.get(i - 1), channels.get(i), 3, 1, 1, 1, true));
        }
        addChildBlock("convs", new ModuleList<>(convs));
        this.fc1 = addChildBlock("fc1", new Linear(channels.get(channels.size() - 1), hidden, true));
        this.fc2 = addChildBlock("fc2", new Linear(hidden, 1, true));
    }

    /**
     * The per-sample weights.
     *
     * @param store the parameter store
     * @param f the detector's feature map (B, C, H, W)
     * @param training whether this is a training pass
     * @return (B) in (0, 1)
     */
    public NDArray forward(ParameterStore store, NDArray f, boolean training) {
        NDArray h = f;
        for (Conv2dLayer c : convs) {
            h = c.forward(store, h, training);
        }
        NDArray pooled = h.reshape(h.getShape().get(0), h.getShape().get(1), -1).mean(new int[] {2});
        return Activation.sigmoid(fc2.forward(store, fc1.forward(store, pooled, training), training)).reshape(-1);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.singletonOrThrow(), training));
    }
}
