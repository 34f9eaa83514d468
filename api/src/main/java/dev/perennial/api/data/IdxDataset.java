package dev.perennial.api.data;

import dev.perennial.spi.DatasetException;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * A labelled grey-image data set in LeCun's IDX format (MNIST, Fashion-MNIST), gzipped or not.
 *
 * <p>Format: a big-endian header {@code 0x00 0x00 type dims}, then {@code dims} 32-bit sizes, then the data.
 * Images must be {@code 0x00000803} (unsigned bytes, 3 dimensions: count × rows × cols), labels
 * {@code 0x00000801} (unsigned bytes, 1 dimension: count); each split's two counts must agree.
 * Examples are {@code 1 × rows × cols} float images (pixel / 255) under the feature name {@code image}, in file
 * order; ids are the position in the training split, and {@code trainSize + position} in the test split.
 * The pixels are held in memory as bytes (47 MB for all of Fashion-MNIST); reading is safe from several threads.
 */
public final class IdxDataset implements DatasetSource {
    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private final Path folder;
    private final List<String> classNames;
    private final DecodingSplit train;
    private final DecodingSplit test;

    private IdxDataset(Path folder, List<String> classNames, Loaded train, Loaded test) {
        this.folder = folder;
        this.classNames = classNames;
        this.train = train.split(classNames, 0);
        this.test = test.split(classNames, train.labels.length);
    }

    /**
     * Reads the four files named by the configuration.
     *
     * @param config the configuration
     * @return the data set
     * @throws DatasetException naming the file when one is missing, truncated or malformed, when image and label
     *     counts differ, or when a label has no class name
     */
    public static IdxDataset open(IdxConfig config) {
        Path folder = Path.of(config.folder());
        if (!Files.isDirectory(folder)) {
            throw new DatasetException("idx: folder " + folder.toAbsolutePath() + " does not exist"
                    + (config.folder().equals(IdxConfig.FASHION_MNIST_FOLDER)
                    ? " (install the Debian package dataset-fashion-mnist: apt-get install -y dataset-fashion-mnist)"
                    : "; set 'folder' to the folder holding the IDX files"));
        }
        Loaded train = load(folder.resolve(config.trainImages()), folder.resolve(config.trainLabels()),
                config.limitPerClass());
        Loaded test = load(folder.resolve(config.testImages()), folder.resolve(config.testLabels()),
                config.limitPerClass());
        if (train.rows != test.rows || train.cols != test.cols) {
            throw new DatasetException("idx: " + folder.resolve(config.trainImages()) + " holds " + train.rows + "x"
                    + train.cols + " images but " + folder.resolve(config.testImages()) + " holds " + test.rows + "x"
                    + test.cols);
        }
        int maxLabel = Math.max(train.maxLabel(), test.maxLabel());
        List<String> names = config.classNames();
        if (names.isEmpty()) {
            names = folder.toString().toLowerCase(Locale.ROOT).contains("fashion") && maxLabel < 10
                    ? IdxConfig.FASHION_MNIST_CLASSES : numbered(maxLabel + 1);
        } else if (names.size() <= maxLabel) {
            throw new DatasetException("idx: 'classNames' lists " + names.size() + " names but the labels in "
                    + folder.toAbsolutePath() + " go up to " + maxLabel + "; give " + (maxLabel + 1) + " names");
        }
        return new IdxDataset(folder, names, train, test);
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
        return "idx " + folder.toAbsolutePath() + " (" + classNames.size() + " classes, " + train.size() + " train, "
                + test.size() + " test)";
    }

    private static List<String> numbered(int n) {
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(Integer.toString(i));
        }
        return names;
    }

    /** One split read into memory. */
    private record Loaded(byte[] pixels, int[] labels, int rows, int cols) {
        int maxLabel() {
            int max = -1;
            for (int l : labels) {
                max = Math.max(max, l);
            }
            return max;
        }

        DecodingSplit split(List<String> classNames, int idOffset) {
            int plane = rows * cols;
            long[] shape = {1, rows, cols};
            return new DecodingSplit(labels, classNames, i -> {
                float[] values = new float[plane];
                int base = i * plane;
                for (int p = 0; p < plane; p++) {
                    values[p] = (pixels[base + p] & 0xFF) / 255f;
                }
                return Example.labelledImage(idOffset + (long) i, labels[i], new Feature.Floats(values, shape));
            });
        }
    }

    private static Loaded load(Path imagesFile, Path labelsFile, int limitPerClass) {
        byte[] allLabels = readLabels(labelsFile);
        // Which examples to keep: all, or the first limitPerClass of each class in file order.
        List<Integer> kept = new ArrayList<>();
        int[] perClass = new int[256];
        for (int i = 0; i < allLabels.length; i++) {
            int label = allLabels[i] & 0xFF;
            if (limitPerClass == 0 || perClass[label] < limitPerClass) {
                perClass[label]++;
                kept.add(i);
            }
        }
        try (DataInputStream in = open(imagesFile)) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw new DatasetException("idx: " + imagesFile + " starts with magic number 0x"
                        + String.format("%08x", magic) + "; an IDX image file of unsigned bytes starts with 0x00000803");
            }
            int count = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (count < 0 || rows <= 0 || cols <= 0 || (long) rows * cols > 1 << 24) {
                throw new DatasetException("idx: " + imagesFile + " declares " + count + " images of " + rows + "x"
                        + cols + ", which is not a valid size");
            }
            if (count != allLabels.length) {
                throw new DatasetException("idx: " + imagesFile + " holds " + count + " images but " + labelsFile
                        + " holds " + allLabels.length + " labels; the counts must match");
            }
            int plane = rows * cols;
            byte[] pixels = new byte[Math.multiplyExact(kept.size(), plane)];
            int[] labels = new int[kept.size()];
            byte[] skip = new byte[plane];
            int next = 0;
            // Without a limit every image is read, so a truncated file is always caught.
            int last = limitPerClass == 0 ? count - 1 : (kept.isEmpty() ? -1 : kept.get(kept.size() - 1));
            for (int i = 0; i <= last; i++) {
                if (next < kept.size() && kept.get(next) == i) {
                    in.readFully(pixels, next * plane, plane);
                    labels[next] = allLabels[i] & 0xFF;
                    next++;
                } else {
                    in.readFully(skip);
                }
            }
            return new Loaded(pixels, labels, rows, cols);
        } catch (EOFException e) {
            throw new DatasetException("idx: " + imagesFile + " is truncated (ended before the declared images)", e);
        } catch (IOException e) {
            throw new DatasetException("idx: cannot read " + imagesFile + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readLabels(Path labelsFile) {
        try (DataInputStream in = open(labelsFile)) {
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) {
                throw new DatasetException("idx: " + labelsFile + " starts with magic number 0x"
                        + String.format("%08x", magic) + "; an IDX label file of unsigned bytes starts with 0x00000801");
            }
            int count = in.readInt();
            if (count < 0) {
                throw new DatasetException("idx: " + labelsFile + " declares " + count + " labels");
            }
            byte[] labels = new byte[count];
            in.readFully(labels);
            return labels;
        } catch (EOFException e) {
            throw new DatasetException("idx: " + labelsFile + " is truncated (ended before the declared labels)", e);
        } catch (IOException e) {
            throw new DatasetException("idx: cannot read " + labelsFile + ": " + e.getMessage(), e);
        }
    }

    /** Opens a file, un-gzipping it when it starts with the gzip magic bytes 1f 8b. */
    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException("idx: missing file " + file.toAbsolutePath());
        }
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        InputStream in = b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16)
                : raw;
        return new DataInputStream(in);
    }
}
