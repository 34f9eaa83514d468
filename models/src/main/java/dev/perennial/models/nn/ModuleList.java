package dev.perennial.models.nn;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An ordered container whose children are named {@code 0}, {@code 1}, … like torch's {@code nn.ModuleList}, so
 * that parameters get names such as {@code blocks.3.attn.qkv.weight}. Used as a plain sequence when called.
 *
 * @param <B> the child type
 */
public final class ModuleList<B extends Block> extends FixedShapeBlock {
    private final List<B> items = new ArrayList<>();

    /**
     * Creates the container.
     *
     * @param blocks the children in order
     */
    public ModuleList(List<? extends B> blocks) {
        for (B b : blocks) {
            items.add(addChildBlock(Integer.toString(items.size()), b));
        }
    }

    /** @return the children in order (unmodifiable) */
    public List<B> items() {
        return Collections.unmodifiableList(items);
    }

    /**
     * @param index position
     * @return the child at that position
     */
    public B get(int index) {
        return items.get(index);
    }

    /** @return the number of children */
    public int size() {
        return items.size();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = inputs;
        for (B b : items) {
            x = b.forward(store, x, training, params);
        }
        return x;
    }
}
