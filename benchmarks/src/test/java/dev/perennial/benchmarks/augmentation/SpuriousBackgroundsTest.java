package dev.perennial.benchmarks.augmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.spi.DatasetException;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Runs where the Fashion-MNIST package and the shared CIFAR-10 zip are present; skipped elsewhere. */
class SpuriousBackgroundsTest {

    private static final String FASHION = "/usr/share/datasets/fashion-mnist";
    private static final String CIFAR = "../../shared/data/cifar10.zip";

    @Test
    void trainBackgroundsFollowTheClassAndTestGroupsAreBalanced() {
        Assumptions.assumeTrue(Files.isDirectory(Path.of(FASHION)) && Files.exists(Path.of(CIFAR)),
                "needs " + FASHION + " and " + CIFAR);
        SpuriousBackgrounds d = SpuriousBackgrounds.open(new SpuriousBackgroundsConfig(3, 40, 2, 0.95, FASHION,
                CIFAR));
        assertEquals(400, d.train().size());
        assertEquals(200, d.test().size());
        int[] labels = d.train().labels();
        int[] backgrounds = ((SpuriousBackgrounds.Split) d.train()).backgroundClasses();
        int aligned = 0;
        for (int i = 0; i < labels.length; i++) {
            aligned += labels[i] == backgrounds[i] ? 1 : 0;
        }
        // 400 draws at 0.95: expected 380, sd ≈ 4.4
        assertTrue(aligned > 360 && aligned < 400, "aligned " + aligned);
        int[][] groups = new int[10][10];
        int[] testLabels = d.test().labels();
        int[] testBackgrounds = ((SpuriousBackgrounds.Split) d.test()).backgroundClasses();
        for (int i = 0; i < testLabels.length; i++) {
            groups[testLabels[i]][testBackgrounds[i]]++;
        }
        for (int[] row : groups) {
            for (int g : row) {
                assertEquals(2, g);
            }
        }
        Example e = d.train().get(5);
        float[] image = ((Feature.Floats) e.features().get("image")).values();
        float[] mask = ((Feature.Floats) e.features().get("mask")).values();
        int onMask = 0;
        for (int p = 0; p < mask.length; p++) {
            if (mask[p] == 1f) {
                onMask++;
                // the item is grey: the same value on all three channels
                assertEquals(image[p], image[1024 + p]);
                assertEquals(image[p], image[2048 + p]);
                assertTrue(image[p] > 0);
            }
        }
        assertTrue(onMask > 50 && onMask < 28 * 28, "mask pixels " + onMask);
        assertEquals(((Feature.Longs) e.features().get("background")).values()[0], backgrounds[5]);
    }

    @Test
    void missingDataIsAClearError() {
        DatasetException e = assertThrows(DatasetException.class, () -> SpuriousBackgrounds.open(
                new SpuriousBackgroundsConfig(0, 10, 1, 0.95, "/nonexistent/fashion", CIFAR)));
        assertTrue(e.getMessage().contains("fashionMnistFolder") && e.getMessage().contains("dataset-fashion-mnist"),
                e.getMessage());
    }
}
