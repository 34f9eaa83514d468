package dev.perennial.models.cnn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * torch {@code nn.Sequential} without names: children are called {@code 0}, {@code 1}, ... so parameters get
 * names such as {@code layer1.0.conv1.weight} or {@code features.3.conv.1.0.weight}. Calling it runs the
 * children in order.
 */
public final class IndexedSequence extends FixedShapeLayer {
    private final List<Block> items = new ArrayList<>();

    /**
     * Creates the sequence.
     *
     * @param blocks the children in order
     */
    public IndexedSequence(List<? extends Block> blocks) {
        for (Block b : blocks) {
            items.add(addChildBlock(Integer.toString(items.size()), b));
        }
    }

    /**
     * The children in order.
     *
     * @return an unmodifiable list
     */
    public List<Block> items() {
        return Collections.unmodifiableList(items);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList x = inputs;
        for (Block b : items) {
            x = b.forward(store, x, training, params);
        }
        return x;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] s = inputShapes;
        for (Block b : items) {
            s = b.getOutputShapes(s);
        }
        return s;
    }
}
