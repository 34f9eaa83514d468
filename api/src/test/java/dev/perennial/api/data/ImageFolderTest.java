package dev.perennial.api.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.perennial.spi.DatasetException;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import dev.perennial.spi.PluginProvider;
import dev.perennial.spi.SpiVersion;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir
    Path temp;

    /** A 6×4 (W×H) RGB image whose pixel (x, y) has red 10·x + 40·label, green 20·y, blue 7 + index. */
    private static BufferedImage image(int label, int index, int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = 10 * x + 40 * label;
                int g = 20 * y;
                int b = 7 + index;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    private static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, "png", out));
        return out.toByteArray();
    }

    private static byte[] jpeg(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, "jpg", out));
        return out.toByteArray();
    }

    /** Writes train/ and test/ with classes "cat", "ant", "bee" (ids: ant 0, bee 1, cat 2), 3 train and 2 test each. */
    private Path writeFolder(Path root) throws IOException {
        String[] classes = {"cat", "ant", "bee"};
        for (String split : List.of("train", "test")) {
            int count = split.equals("train") ? 3 : 2;
            for (String c : classes) {
                Path dir = Files.createDirectories(root.resolve(split).resolve(c));
                int label = List.of("ant", "bee", "cat").indexOf(c);
                for (int i = 0; i < count; i++) {
                    // PNGs, except one JPEG per class in train, to exercise both decoders.
                    boolean jpg = split.equals("train") && i == 2;
                    Files.write(dir.resolve(String.format("%03d.%s", i, jpg ? "jpg" : "png")),
                            jpg ? jpeg(image(label, i, 6, 4)) : png(image(label, i, 6, 4)));
                }
                Files.writeString(dir.resolve("notes.txt"), "not an image");
            }
        }
        return root;
    }

    private Path zip(Path folder, String top) throws IOException {
        Path zipFile = temp.resolve("data" + top.replace("/", "") + ".zip");
        try (OutputStream out = Files.newOutputStream(zipFile); ZipOutputStream zip = new ZipOutputStream(out);
             Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new ZipEntry(top + folder.relativize(p).toString().replace('\\', '/')));
                zip.write(Files.readAllBytes(p));
                zip.closeEntry();
            }
        }
        return zipFile;
    }

    private static float pixel(Example e, int c, int y, int x) {
        Feature.Floats f = (Feature.Floats) e.features().get("image");
        long[] s = f.shape();
        return f.values()[(int) (c * s[1] * s[2] + y * s[2] + x)];
    }

    @Test
    void readsFolderWithSortedClassIdsLabelsAndPixels() throws IOException {
        try (ImageFolder data = ImageFolder.of(writeFolder(temp.resolve("ds")))) {
            assertEquals(List.of("ant", "bee", "cat"), data.train().classNames());
            assertEquals(List.of("ant", "bee", "cat"), data.test().classNames());
            assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1, 2, 2, 2}, data.train().labels());
            assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2}, data.test().labels());
            Example e = data.train().get(4); // bee, 001.png
            assertEquals(1, e.label().getAsInt());
            assertEquals(4, e.id());
            assertArrayEquals(new long[] {3, 4, 6}, e.features().get("image").shape());
            // PNG is lossless: pixel (x=5, y=3) is r = 50 + 40, g = 60, b = 8.
            assertEquals(90 / 255f, pixel(e, 0, 3, 5), 1e-6);
            assertEquals(60 / 255f, pixel(e, 1, 3, 5), 1e-6);
            assertEquals(8 / 255f, pixel(e, 2, 3, 5), 1e-6);
            assertEquals(9 + 3, data.test().get(3).id(), "test ids follow the training ids");
        }
    }

    @Test
    void decodesJpegApproximately() throws IOException {
        try (ImageFolder data = ImageFolder.of(writeFolder(temp.resolve("ds")))) {
            Example e = data.train().get(8); // cat, 002.jpg
            assertEquals(2, e.label().getAsInt());
            assertEquals((10 * 3 + 80) / 255f, pixel(e, 0, 2, 3), 0.08, "JPEG is lossy but close");
        }
    }

    @Test
    void zipUnderOneTopLevelFolderEqualsTheFolder() throws IOException {
        Path folder = writeFolder(temp.resolve("ds"));
        try (ImageFolder fromFolder = ImageFolder.of(folder);
             ImageFolder fromZip = ImageFolder.of(zip(folder, "cifar-like/"))) {
            assertSameContent(fromFolder.train(), fromZip.train());
            assertSameContent(fromFolder.test(), fromZip.test());
            assertTrue(fromZip.describe().contains(".zip"), fromZip.describe());
        }
    }

    @Test
    void zipWithLayoutAtTheTop() throws IOException {
        Path folder = writeFolder(temp.resolve("ds"));
        try (ImageFolder fromFolder = ImageFolder.of(folder); ImageFolder fromZip = ImageFolder.of(zip(folder, ""))) {
            assertSameContent(fromFolder.train(), fromZip.train());
        }
    }

    private static void assertSameContent(DatasetSplit a, DatasetSplit b) {
        assertEquals(a.classNames(), b.classNames());
        assertArrayEquals(a.labels(), b.labels());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(((Feature.Floats) a.get(i).features().get("image")).values(),
                    ((Feature.Floats) b.get(i).features().get("image")).values(), "example " + i);
        }
    }

    @Test
    void convertsToGreyWithBt601LumaAndResizes() throws IOException {
        Path root = writeFolder(temp.resolve("ds"));
        try (ImageFolder grey = ImageFolder.open(new ImageFolderConfig(root.toString(), 1, 0, 0, 0));
             ImageFolder small = ImageFolder.open(new ImageFolderConfig(root.toString(), 3, 2, 3, 0))) {
            Example e = grey.train().get(4);
            assertArrayEquals(new long[] {1, 4, 6}, e.features().get("image").shape());
            float expected = (0.299f * 90 + 0.587f * 60 + 0.114f * 8) / 255f;
            assertEquals(expected, pixel(e, 0, 3, 5), 1e-5);
            assertArrayEquals(new long[] {3, 2, 3}, small.train().get(0).features().get("image").shape());
            assertTrue(small.describe().contains("resized to 2x3"), small.describe());
        }
    }

    @Test
    void greyFilesKeepTheirValuesAndReplicateToRgb() throws IOException {
        BufferedImage grey = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(1, 1, 0, 37);
        for (String split : List.of("train", "test")) {
            Path dir = Files.createDirectories(temp.resolve("g").resolve(split).resolve("only"));
            Files.write(dir.resolve("a.png"), png(grey));
        }
        try (ImageFolder data = ImageFolder.of(temp.resolve("g"))) {
            Example e = data.train().get(0);
            for (int c = 0; c < 3; c++) {
                assertEquals(37 / 255f, pixel(e, c, 1, 1), 1e-6, "channel " + c);
            }
        }
    }

    @Test
    void limitPerClassKeepsTheFirstFiles() throws IOException {
        Path root = writeFolder(temp.resolve("ds"));
        try (ImageFolder data = ImageFolder.open(new ImageFolderConfig(root.toString(), 3, 0, 0, 1))) {
            assertArrayEquals(new int[] {0, 1, 2}, data.train().labels());
            assertArrayEquals(new int[] {0, 1, 2}, data.test().labels());
            assertEquals(7 / 255f, pixel(data.train().get(1), 2, 0, 0), 1e-6, "000.png of bee");
        }
    }

    @Test
    void decodesInParallelLikeSequentially() throws IOException {
        Path folder = writeFolder(temp.resolve("ds"));
        try (ImageFolder data = ImageFolder.of(zip(folder, "top/"))) {
            DatasetSplit train = data.train();
            List<float[]> sequential = IntStream.range(0, train.size())
                    .mapToObj(i -> ((Feature.Floats) train.get(i).features().get("image")).values()).toList();
            for (int round = 0; round < 5; round++) {
                List<float[]> parallel = IntStream.range(0, train.size()).parallel()
                        .mapToObj(i -> ((Feature.Floats) train.get(i).features().get("image")).values()).toList();
                for (int i = 0; i < train.size(); i++) {
                    assertArrayEquals(sequential.get(i), parallel.get(i));
                }
            }
        }
    }

    @Test
    void missingFolderNamesThePath() {
        DatasetException e = assertThrows(DatasetException.class, () -> ImageFolder.of(temp.resolve("nowhere")));
        assertTrue(e.getMessage().contains("nowhere") && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void missingTestFolderNamesIt() throws IOException {
        Files.createDirectories(temp.resolve("ds/train/a"));
        Files.write(temp.resolve("ds/train/a/x.png"), png(image(0, 0, 2, 2)));
        DatasetException e = assertThrows(DatasetException.class, () -> ImageFolder.of(temp.resolve("ds")));
        assertTrue(e.getMessage().contains("missing folder") && e.getMessage().contains("test"), e.getMessage());
    }

    @Test
    void noClassFoldersIsAnError() throws IOException {
        Files.createDirectories(temp.resolve("ds/train"));
        Files.createDirectories(temp.resolve("ds/test"));
        DatasetException e = assertThrows(DatasetException.class, () -> ImageFolder.of(temp.resolve("ds")));
        assertTrue(e.getMessage().contains("no class folders") && e.getMessage().contains("train"), e.getMessage());
    }

    @Test
    void emptyClassNamesTheFolder() throws IOException {
        Path root = writeFolder(temp.resolve("ds"));
        Files.createDirectories(root.resolve("train/dog"));
        Files.createDirectories(root.resolve("test/dog"));
        DatasetException e = assertThrows(DatasetException.class, () -> ImageFolder.of(root));
        assertTrue(e.getMessage().contains("dog") && e.getMessage().contains("holds no"), e.getMessage());
    }

    @Test
    void emptyClassInAZipNamesTheFolder() throws IOException {
        Path root = writeFolder(temp.resolve("ds"));
        Files.createDirectories(root.resolve("train/dog"));
        Files.writeString(root.resolve("train/dog/readme.txt"), "no images here");
        Files.createDirectories(root.resolve("test/dog"));
        Files.write(root.resolve("test/dog/a.png"), png(image(0, 0, 6, 4)));
        DatasetException e = assertThrows(DatasetException.class, () -> ImageFolder.of(zip(root, "t/")));
        assertTrue(e.getMessage().contains("train/dog") && e.getMessage().contains(".zip"), e.getMessage());
    }

    @Test
    void classMismatchListsTheDifference() throws IOException {
        Path root = writeFolder(temp.resolve("ds"));
        Files.createDirectories(root.resolve("train/dog"));
        Files.write(root.resolve("train/dog/a.png"), png(image(0, 0, 6, 4)));
        DatasetException e = assertThrows(DatasetException.class, () -> ImageFolder.of(root));
        assertTrue(e.getMessage().contains("only in train/: [dog]"), e.getMessage());
    }

    @Test
    void undecodableFileIsNamedWhenRead() throws IOException {
        Path root = writeFolder(temp.resolve("ds"));
        Files.writeString(root.resolve("train/ant/001.png"), "this is not a PNG");
        try (ImageFolder data = ImageFolder.of(root)) {
            DatasetException e = assertThrows(DatasetException.class, () -> data.train().get(1));
            assertTrue(e.getMessage().contains("001.png") && e.getMessage().contains("cannot decode"),
                    e.getMessage());
        }
    }

    @Test
    void imagesOfAnotherSizeNeedAResize() throws IOException {
        Path root = writeFolder(temp.resolve("ds"));
        Files.write(root.resolve("train/bee/001.png"), png(image(1, 1, 5, 5)));
        try (ImageFolder data = ImageFolder.of(root)) {
            DatasetException e = assertThrows(DatasetException.class, () -> data.train().get(4));
            assertTrue(e.getMessage().contains("001.png") && e.getMessage().contains("'height'"), e.getMessage());
        }
        try (ImageFolder resized = ImageFolder.open(new ImageFolderConfig(root.toString(), 3, 4, 6, 0))) {
            assertArrayEquals(new long[] {3, 4, 6}, resized.train().get(4).features().get("image").shape());
        }
    }

    @Test
    void aFileThatIsNotAZipIsNamed() throws IOException {
        Path notZip = Files.writeString(temp.resolve("data.zip"), "plain text");
        DatasetException e = assertThrows(DatasetException.class, () -> ImageFolder.of(notZip));
        assertTrue(e.getMessage().contains("data.zip"), e.getMessage());
    }

    @Test
    void configValidationNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImageFolderConfig("x", 2, 0, 0, 0));
        assertTrue(e.getMessage().contains("'channels'") && e.getMessage().contains("1 or 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ImageFolderConfig("x", 3, 32, 0, 0));
        assertTrue(e.getMessage().contains("'width'"), e.getMessage());
        DatasetException empty = assertThrows(DatasetException.class,
                () -> new ImageFolderProvider().create(new ImageFolderProvider().defaultConfig(), null));
        assertTrue(empty.getMessage().contains("'path'"), empty.getMessage());
    }

    @Test
    void providerIsNamedAndVersioned() {
        ImageFolderProvider p = new ImageFolderProvider();
        assertEquals("image-folder", p.name());
        assertTrue(PluginProvider.NAME.matcher(p.name()).matches());
        assertTrue(SpiVersion.isCompatible(p.spiVersion()));
        assertEquals(ImageFolderConfig.class, p.configType());
    }

    /** The real CIFAR-10 zip beside the repository, when present: read in place, 10 classes of 3×32×32. */
    @Test
    void readsTheSharedCifar10ZipInPlace() {
        Path cifar = Stream.of("../../shared/data/cifar10.zip", "../shared/data/cifar10.zip").map(Path::of)
                .filter(Files::isRegularFile).findFirst().orElse(null);
        assumeTrue(cifar != null, "shared/data/cifar10.zip not found beside the repository; skipping");
        try (ImageFolder data = ImageFolder.open(new ImageFolderConfig(cifar.toString(), 3, 0, 0, 2))) {
            assertEquals(List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
                    "truck"), data.train().classNames());
            assertEquals(20, data.train().size());
            assertEquals(20, data.test().size());
            Example e = data.test().get(19);
            assertEquals(9, e.label().getAsInt());
            assertArrayEquals(new long[] {3, 32, 32}, e.features().get("image").shape());
        }
    }
}
