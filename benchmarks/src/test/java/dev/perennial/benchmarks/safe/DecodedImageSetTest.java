package dev.perennial.benchmarks.safe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.api.data.ImageFolder;
import dev.perennial.spi.DatasetException;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code decoded-image-set}: the image-folder source's examples, in a given class order and size per class. */
class DecodedImageSetTest {
    @TempDir
    Path dir;

    /** Three classes a, b, c; 3 training and 2 test PNGs of 4×4 random pixels each. */
    private Path folder() throws IOException {
        Random r = new Random(5);
        for (String split : List.of("train", "test")) {
            for (String c : List.of("a", "b", "c")) {
                Path d = Files.createDirectories(dir.resolve("data").resolve(split).resolve(c));
                for (int i = 0; i < (split.equals("train") ? 3 : 2); i++) {
                    byte[] rgb = new byte[4 * 4 * 3];
                    r.nextBytes(rgb);
                    Files.write(d.resolve(i + ".png"), png(4, 4, rgb));
                }
            }
        }
        return dir.resolve("data");
    }

    /** A minimal 8-bit RGB PNG (this module does not read java.desktop, so no ImageIO writer here). */
    private static byte[] png(int width, int height, byte[] rgb) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(raw)) {
            for (int y = 0; y < height; y++) {
                z.write(0);
                z.write(rgb, y * width * 3, width * 3);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(out);
        o.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {8, 2, 0, 0, 0});
        chunk(o, "IHDR", ihdr.toByteArray());
        chunk(o, "IDAT", raw.toByteArray());
        chunk(o, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(DataOutputStream o, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        o.writeInt(data.length);
        o.write(t);
        o.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        o.writeInt((int) crc.getValue());
    }

    private static float[] pixels(Example e) {
        return ((Feature.Floats) e.features().get("image")).values();
    }

    @Test
    void examplesAreTheImageFoldersInTheGivenClassOrder() throws IOException {
        Path data = folder();
        DecodedImageSet set = DecodedImageSet.open(new DecodedImageSetConfig(data.toString(), 2, 1,
                List.of(2, 0, 1)));
        assertEquals(List.of("c", "a", "b"), set.train().classNames());
        assertEquals(6, set.train().size());
        assertEquals(3, set.test().size());
        try (ImageFolder folder = ImageFolder.of(data)) {
            // Folder order a, b, c = ids 0, 1, 2; each class's first two training images are kept.
            int[] folderIndex = {0, 1, 3, 4, 6, 7};
            int[] newLabel = {1, 1, 2, 2, 0, 0};
            for (int i = 0; i < 6; i++) {
                Example e = set.train().get(i);
                assertEquals(newLabel[i], e.label().orElseThrow());
                assertEquals(i, e.id());
                assertArrayEquals(pixels(folder.train().get(folderIndex[i])), pixels(e), 0f);
                assertArrayEquals(new long[] {3, 4, 4}, ((Feature.Floats) e.features().get("image")).shape());
            }
            assertArrayEquals(new int[] {1, 2, 0}, set.test().labels());
            assertEquals(6, set.test().get(0).id(), "test ids follow the training ids");
            assertArrayEquals(pixels(folder.test().get(2)), pixels(set.test().get(1)), 0f);
        }
    }

    @Test
    void badOrdersAreRefusedNamingTheField() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DecodedImageSetConfig("x", 0, 0, List.of(0, 0, 1)));
        assertTrue(e.getMessage().contains("'classOrder' must be a permutation of 0..2"), e.getMessage());
        Path data = folder();
        DatasetException d = assertThrows(DatasetException.class, () -> DecodedImageSet.open(
                new DecodedImageSetConfig(data.toString(), 0, 0, List.of(1, 0))));
        assertTrue(d.getMessage().contains("has 2 entries but"), d.getMessage());
    }
}
