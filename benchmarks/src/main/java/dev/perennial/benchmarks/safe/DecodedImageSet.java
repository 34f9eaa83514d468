package dev.perennial.benchmarks.safe;

import dev.perennial.api.data.ImageFolder;
import dev.perennial.api.data.ImageFolderConfig;
import dev.perennial.spi.DatasetException;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import java.util.ArrayList;
import java.util.List;

/**
 * An image folder decoded once into memory (one byte per channel value), with an explicit class order and
 * separate train and test sizes per class. Examples are the {@code image-folder} source's own (same decoder,
 * same [0, 1] floats: {@code value / 255}, which a byte stores exactly; same ids: the training index, and
 * {@code trainSize + index} for test examples), so a learner sees the same tensors; what changes is that a run
 * decodes every JPEG once instead of once per epoch and evaluation, and that the class order can be any
 * permutation (the class-incremental scenario only shuffles with a Java seed).
 */
final class DecodedImageSet implements DatasetSource {
    private final Split train;
    private final Split test;
    private final String description;

    private DecodedImageSet(Split train, Split test, String description) {
        this.train = train;
        this.test = test;
        this.description = description;
    }

    /**
     * Decodes the configured images.
     *
     * @param config the configuration
     * @return the data set
     * @throws DatasetException naming the path when it cannot be read or the class order has the wrong length
     */
    static DecodedImageSet open(DecodedImageSetConfig config) {
        int limit = config.trainPerClass() == 0 || config.testPerClass() == 0 ? 0
                : Math.max(config.trainPerClass(), config.testPerClass());
        try (ImageFolder folder = ImageFolder.open(new ImageFolderConfig(config.path(), 3, 0, 0, limit))) {
            List<String> names = folder.classNames();
            int classes = names.size();
            List<Integer> order = config.classOrder();
            if (!order.isEmpty() && order.size() != classes) {
                throw new DatasetException("decoded-image-set: 'classOrder' has " + order.size() + " entries but "
                        + config.path() + " has " + classes + " classes");
            }
            int[] newId = new int[classes];
            List<String> orderedNames = new ArrayList<>();
            for (int k = 0; k < classes; k++) {
                int folderId = order.isEmpty() ? k : order.get(k);
                newId[folderId] = k;
                orderedNames.add(names.get(folderId));
            }
            Split tr = Split.decode(folder.train(), config.trainPerClass(), newId, orderedNames, 0);
            Split te = Split.decode(folder.test(), config.testPerClass(), newId, orderedNames, tr.size());
            String d = "decoded-image-set " + config.path() + " (" + classes + " classes, " + tr.size() + " train, "
                    + te.size() + " test, class order " + (order.isEmpty() ? "of the folders" : order) + ")";
            return new DecodedImageSet(tr, te, d);
        }
    }

    @Override
    public DatasetSplit train() {
        return train;
    }

    @Override
    public DatasetSplit test() {
        return test;
    }

    @Override
    public String describe() {
        return description;
    }

    /** A split held as bytes; thread-safe (immutable). */
    private static final class Split implements DatasetSplit {
        private final byte[][] pixels;
        private final int[] labels;
        private final long[] shape;
        private final long idOffset;
        private final List<String> classNames;

        private Split(byte[][] pixels, int[] labels, long[] shape, long idOffset, List<String> classNames) {
            this.pixels = pixels;
            this.labels = labels;
            this.shape = shape;
            this.idOffset = idOffset;
            this.classNames = List.copyOf(classNames);
        }

        static Split decode(DatasetSplit source, int perClass, int[] newId, List<String> names, long idOffset) {
            int[] sourceLabels = source.labels();
            int[] kept = new int[newId.length];
            List<Integer> pick = new ArrayList<>();
            for (int i = 0; i < sourceLabels.length; i++) {
                int c = sourceLabels[i];
                if (perClass == 0 || kept[c] < perClass) {
                    kept[c]++;
                    pick.add(i);
                }
            }
            byte[][] pixels = new byte[pick.size()][];
            int[] labels = new int[pick.size()];
            long[] shape = null;
            for (int j = 0; j < pick.size(); j++) {
                Example e = source.get(pick.get(j));
                Feature.Floats image = (Feature.Floats) e.features().get("image");
                if (shape == null) {
                    shape = image.shape();
                }
                float[] v = image.values();
                byte[] b = new byte[v.length];
                for (int k = 0; k < v.length; k++) {
                    b[k] = (byte) Math.round(v[k] * 255f);
                }
                pixels[j] = b;
                labels[j] = newId[sourceLabels[pick.get(j)]];
            }
            return new Split(pixels, labels, shape, idOffset, names);
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
            byte[] b = pixels[index];
            float[] v = new float[b.length];
            for (int k = 0; k < b.length; k++) {
                v[k] = (b[k] & 0xFF) / 255f;
            }
            return Example.labelledImage(idOffset + index, labels[index], new Feature.Floats(v, shape));
        }

        @Override
        public List<String> classNames() {
            return classNames;
        }
    }
}
