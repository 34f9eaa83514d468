package dev.perennial.api.data;

import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A split whose labels are known up front and whose examples are decoded on demand by a thread-safe function.
 * Shared by the data sets of this package.
 */
final class DecodingSplit implements DatasetSplit {
    private final int[] labels;
    private final List<String> classNames;
    private final IntFunction<Example> decoder;

    /**
     * @param labels the label of every example
     * @param classNames the class names, indexed by class id
     * @param decoder decodes example {@code i}; must be safe to call from several threads
     */
    DecodingSplit(int[] labels, List<String> classNames, IntFunction<Example> decoder) {
        this.labels = labels.clone();
        this.classNames = List.copyOf(classNames);
        this.decoder = decoder;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int[] labels() {
        return labels.clone();
    }

    @Override
    public Example get(int index) {
        if (index < 0 || index >= labels.length) {
            throw new IndexOutOfBoundsException("example " + index + " outside split of size " + labels.length);
        }
        return decoder.apply(index);
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }
}
