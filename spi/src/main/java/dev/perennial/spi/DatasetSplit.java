package dev.perennial.spi;

import java.util.List;

/**
 * A random-access, read-only split of a data set (train or test). Implementations must be safe to call
 * from several threads: the loop decodes examples in parallel off the training thread.
 */
public interface DatasetSplit {

    /**
     * The number of examples.
     *
     * @return the size
     */
    int size();

    /**
     * The label of every example, without decoding it; -1 where an example has none.
     *
     * @return labels indexed like {@link #get}
     */
    int[] labels();

    /**
     * Decodes one example.
     *
     * @param index from 0 to {@code size() - 1}
     * @return the example
     * @throws DatasetException when the example cannot be read; the message names the file
     */
    Example get(int index);

    /**
     * A view of some examples of this split, in the given order.
     *
     * @param indices indices into this split
     * @return the view
     */
    default DatasetSplit subset(int[] indices) {
        return new SubsetSplit(this, indices);
    }

    /**
     * The class names, indexed by class id; empty for unlabelled data.
     *
     * @return the class names
     */
    List<String> classNames();
}
