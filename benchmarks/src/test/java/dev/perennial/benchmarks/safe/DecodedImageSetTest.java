package dev.perennial.benchmarks.safe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.api.data.ImageFolder;
import dev.perennial.benchmarks.PngFixtures;
import dev.perennial.spi.DatasetException;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
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
                    Files.write(d.resolve(i + ".png"), PngFixtures.png(4, 4, rgb));
                }
            }
        }
        return dir.resolve("data");
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
