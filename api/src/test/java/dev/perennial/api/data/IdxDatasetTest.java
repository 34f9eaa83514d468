package dev.perennial.api.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.perennial.spi.DatasetException;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import dev.perennial.spi.SpiVersion;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDatasetTest {
    @TempDir
    Path temp;

    /** Pixel p of image i is (i * 16 + p) mod 256; the image is 3 rows × 2 columns. */
    private static byte[] images(int count, int magic, int rows, int cols) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        out.writeInt(count);
        out.writeInt(rows);
        out.writeInt(cols);
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < rows * cols; p++) {
                out.writeByte((i * 16 + p) & 0xFF);
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] labels(int[] labels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000801);
        out.writeInt(labels.length);
        for (int l : labels) {
            out.writeByte(l);
        }
        return bytes.toByteArray();
    }

    private static void gzip(Path file, byte[] content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
    }

    private static final int[] TRAIN_LABELS = {2, 0, 1, 0, 2, 1, 0};
    private static final int[] TEST_LABELS = {1, 0, 2};

    private Path writeDigits(Path folder) throws IOException {
        Files.createDirectories(folder);
        gzip(folder.resolve("train-images-idx3-ubyte.gz"), images(7, 0x803, 3, 2));
        gzip(folder.resolve("train-labels-idx1-ubyte.gz"), labels(TRAIN_LABELS));
        gzip(folder.resolve("t10k-images-idx3-ubyte.gz"), images(3, 0x803, 3, 2));
        gzip(folder.resolve("t10k-labels-idx1-ubyte.gz"), labels(TEST_LABELS));
        return folder;
    }

    @Test
    void readsImagesAndLabelsInFileOrder() throws IOException {
        IdxDataset data = IdxDataset.open(IdxConfig.of(writeDigits(temp.resolve("digits")).toString(), 0));
        assertArrayEquals(TRAIN_LABELS, data.train().labels());
        assertArrayEquals(TEST_LABELS, data.test().labels());
        assertEquals(List.of("0", "1", "2"), data.train().classNames());
        Example e = data.train().get(3);
        assertEquals(3, e.id());
        assertEquals(0, e.label().getAsInt());
        Feature.Floats image = (Feature.Floats) e.features().get("image");
        assertArrayEquals(new long[] {1, 3, 2}, image.shape());
        assertEquals(48 / 255f, image.values()[0], 1e-7);
        assertEquals(53 / 255f, image.values()[5], 1e-7);
        assertEquals(7 + 2, data.test().get(2).id(), "test ids follow the training ids");
        assertEquals(32 / 255f, ((Feature.Floats) data.test().get(2).features().get("image")).values()[0], 1e-7);
    }

    @Test
    void limitPerClassKeepsTheFirstOfEachClass() throws IOException {
        IdxDataset data = IdxDataset.open(IdxConfig.of(writeDigits(temp.resolve("digits")).toString(), 1));
        assertArrayEquals(new int[] {2, 0, 1}, data.train().labels());
        // The third kept example is file image 2.
        assertEquals(32 / 255f, ((Feature.Floats) data.train().get(2).features().get("image")).values()[0], 1e-7);
    }

    @Test
    void readsUncompressedFilesAndConfiguredClassNames() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("raw"));
        Files.write(folder.resolve("a"), images(7, 0x803, 3, 2));
        Files.write(folder.resolve("b"), labels(TRAIN_LABELS));
        Files.write(folder.resolve("c"), images(3, 0x803, 3, 2));
        Files.write(folder.resolve("d"), labels(TEST_LABELS));
        IdxDataset data = IdxDataset.open(new IdxConfig(folder.toString(), "a", "b", "c", "d",
                List.of("zero", "one", "two", "three"), 0));
        assertEquals(List.of("zero", "one", "two", "three"), data.test().classNames());
        assertEquals(3, data.test().size());
    }

    @Test
    void badMagicNumberNamesTheFile() throws IOException {
        Path folder = writeDigits(temp.resolve("digits"));
        gzip(folder.resolve("train-images-idx3-ubyte.gz"), images(7, 0x801, 3, 2));
        DatasetException e = assertThrows(DatasetException.class,
                () -> IdxDataset.open(IdxConfig.of(folder.toString(), 0)));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz") && e.getMessage().contains("0x00000803"),
                e.getMessage());
    }

    @Test
    void countMismatchNamesBothFiles() throws IOException {
        Path folder = writeDigits(temp.resolve("digits"));
        gzip(folder.resolve("t10k-labels-idx1-ubyte.gz"), labels(new int[] {1, 0}));
        DatasetException e = assertThrows(DatasetException.class,
                () -> IdxDataset.open(IdxConfig.of(folder.toString(), 0)));
        assertTrue(e.getMessage().contains("3 images") && e.getMessage().contains("2 labels")
                && e.getMessage().contains("t10k-labels"), e.getMessage());
    }

    @Test
    void truncatedFileIsNamed() throws IOException {
        Path folder = writeDigits(temp.resolve("digits"));
        byte[] full = images(7, 0x803, 3, 2);
        gzip(folder.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(full, full.length - 3));
        DatasetException e = assertThrows(DatasetException.class,
                () -> IdxDataset.open(IdxConfig.of(folder.toString(), 0)));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("train-images"), e.getMessage());
    }

    @Test
    void missingFileAndFolderAreNamed() throws IOException {
        DatasetException e = assertThrows(DatasetException.class,
                () -> IdxDataset.open(IdxConfig.of(temp.resolve("none").toString(), 0)));
        assertTrue(e.getMessage().contains("none") && e.getMessage().contains("does not exist"), e.getMessage());
        Path folder = writeDigits(temp.resolve("digits"));
        Files.delete(folder.resolve("t10k-images-idx3-ubyte.gz"));
        e = assertThrows(DatasetException.class, () -> IdxDataset.open(IdxConfig.of(folder.toString(), 0)));
        assertTrue(e.getMessage().contains("missing file") && e.getMessage().contains("t10k-images"), e.getMessage());
    }

    @Test
    void tooFewClassNamesIsAnError() throws IOException {
        Path folder = writeDigits(temp.resolve("digits"));
        DatasetException e = assertThrows(DatasetException.class, () -> IdxDataset.open(new IdxConfig(
                folder.toString(), null, null, null, null, List.of("a", "b"), 0)));
        assertTrue(e.getMessage().contains("'classNames'") && e.getMessage().contains("give 3"), e.getMessage());
    }

    @Test
    void configValidationNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdxConfig.of("x", -1));
        assertTrue(e.getMessage().contains("'limitPerClass'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new IdxConfig("x", null, null, null, null, List.of("a", "a"), 0));
        assertTrue(e.getMessage().contains("distinct"), e.getMessage());
    }

    @Test
    void providerDefaultsToTheDebianFashionMnist() {
        IdxProvider p = new IdxProvider();
        assertEquals("idx", p.name());
        assertTrue(SpiVersion.isCompatible(p.spiVersion()));
        assertEquals(IdxConfig.FASHION_MNIST_FOLDER, p.defaultConfig().folder());
    }

    /** The Debian package dataset-fashion-mnist, read with a small limit so the test stays fast. */
    @Test
    void readsDebianFashionMnist() {
        assumeTrue(Files.isRegularFile(Path.of(IdxConfig.FASHION_MNIST_FOLDER, "train-images-idx3-ubyte.gz")),
                "Debian package dataset-fashion-mnist is not installed (apt-get install -y dataset-fashion-mnist); "
                        + "skipping the Fashion-MNIST test");
        IdxDataset data = IdxDataset.open(IdxConfig.of(IdxConfig.FASHION_MNIST_FOLDER, 5));
        assertEquals(IdxConfig.FASHION_MNIST_CLASSES, data.train().classNames());
        assertEquals(50, data.train().size());
        assertEquals(50, data.test().size());
        int[] perClass = new int[10];
        for (int l : data.train().labels()) {
            perClass[l]++;
        }
        assertArrayEquals(new int[] {5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, perClass);
        Feature.Floats image = (Feature.Floats) data.train().get(0).features().get("image");
        assertArrayEquals(new long[] {1, 28, 28}, image.shape());
        // Fashion-MNIST's first training label is 9 (ankle boot).
        assertEquals(9, data.train().labels()[0]);
        double sum = 0;
        for (float v : image.values()) {
            assertTrue(v >= 0 && v <= 1);
            sum += v;
        }
        assertTrue(sum > 10, "the first image is not blank");
    }
}
