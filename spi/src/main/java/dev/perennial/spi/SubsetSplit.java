package dev.perennial.spi;

import java.util.List;

/** A view of some examples of a split; made by {@link DatasetSplit#subset(int[])}. */
final class SubsetSplit implements DatasetSplit {
    private final DatasetSplit base;
    private final int[] indices;

    SubsetSplit(DatasetSplit base, int[] indices) {
        int n = base.size();
        for (int i : indices) {
            if (i < 0 || i >= n) {
                throw new IndexOutOfBoundsException("subset index " + i + " outside split of size " + n);
            }
        }
        this.base = base;
        this.indices = indices.clone();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int[] labels() {
        int[] all = base.labels();
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = all[indices[i]];
        }
        return out;
    }

    @Override
    public Example get(int index) {
        return base.get(indices[index]);
    }

    @Override
    public List<String> classNames() {
        return base.classNames();
    }
}
