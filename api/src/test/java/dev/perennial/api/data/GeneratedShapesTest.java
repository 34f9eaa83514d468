package dev.perennial.api.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Feature;
import dev.perennial.spi.SpiVersion;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GeneratedShapesTest {
    private static GeneratedShapesConfig config(long seed, int classes, int channels, int size, int train, int test) {
        return new GeneratedShapesConfig(seed, classes, channels, size, train, test, 0.1);
    }

    private static float[] pixels(DatasetSplit split, int i) {
        return ((Feature.Floats) split.get(i).features().get("image")).values();
    }

    @Test
    void sizesLabelsAndShapesFollowTheConfig() {
        GeneratedShapes data = new GeneratedShapes(config(3, 4, 3, 32, 5, 2));
        assertEquals(20, data.train().size());
        assertEquals(8, data.test().size());
        assertEquals(List.of("disk", "ring", "square", "triangle"), data.train().classNames());
        assertArrayEquals(new int[] {0, 1, 2, 3, 0, 1, 2, 3}, data.test().labels());
        assertEquals(20 + 5, data.test().get(5).id());
        assertEquals(1, data.test().get(5).label().getAsInt());
        Feature.Floats image = (Feature.Floats) data.train().get(0).features().get("image");
        assertArrayEquals(new long[] {3, 32, 32}, image.shape());
        for (float v : image.values()) {
            assertTrue(v >= 0 && v <= 1, "pixel " + v);
        }
    }

    @Test
    void theSameSeedGivesTheSameImagesAndAnotherSeedOthers() {
        GeneratedShapes a = new GeneratedShapes(config(7, 10, 1, 28, 3, 3));
        GeneratedShapes b = new GeneratedShapes(config(7, 10, 1, 28, 3, 3));
        GeneratedShapes c = new GeneratedShapes(config(8, 10, 1, 28, 3, 3));
        for (int i = 0; i < a.train().size(); i++) {
            assertArrayEquals(pixels(a.train(), i), pixels(b.train(), i));
            assertFalse(Arrays.equals(pixels(a.train(), i), pixels(c.train(), i)));
        }
        assertFalse(Arrays.equals(pixels(a.train(), 0), pixels(a.test(), 0)), "train and test differ");
    }

    @Test
    void rendersTheSameInParallel() {
        DatasetSplit train = new GeneratedShapes(config(1, 10, 3, 32, 4, 1)).train();
        List<float[]> sequential = IntStream.range(0, train.size()).mapToObj(i -> pixels(train, i)).toList();
        List<float[]> parallel = IntStream.range(0, train.size()).parallel().mapToObj(i -> pixels(train, i)).toList();
        for (int i = 0; i < train.size(); i++) {
            assertArrayEquals(sequential.get(i), parallel.get(i));
        }
    }

    /**
     * The classes must not be separable by mean intensity alone: a nearest-class-mean classifier on the mean pixel
     * value, fitted on the training split, stays far from the accuracy a shape classifier reaches.
     */
    @Test
    void meanIntensityAloneDoesNotSeparateTheClasses() {
        GeneratedShapes data = new GeneratedShapes(config(0, 10, 1, 28, 100, 50));
        double[] classMean = new double[10];
        int[] count = new int[10];
        for (int i = 0; i < data.train().size(); i++) {
            int label = data.train().labels()[i];
            classMean[label] += mean(pixels(data.train(), i));
            count[label]++;
        }
        for (int c = 0; c < 10; c++) {
            classMean[c] /= count[c];
        }
        int correct = 0;
        for (int i = 0; i < data.test().size(); i++) {
            double m = mean(pixels(data.test(), i));
            int best = 0;
            for (int c = 1; c < 10; c++) {
                if (Math.abs(m - classMean[c]) < Math.abs(m - classMean[best])) {
                    best = c;
                }
            }
            if (best == data.test().labels()[i]) {
                correct++;
            }
        }
        double accuracy = correct / (double) data.test().size();
        assertTrue(accuracy < 0.3, "mean-intensity accuracy " + accuracy + " (chance is 0.1)");
    }

    private static double mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    @Test
    void configValidationNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config(0, 11, 1, 28, 1, 1));
        assertTrue(e.getMessage().contains("'classes'") && e.getMessage().contains("[2, 10]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> config(0, 10, 2, 28, 1, 1));
        assertTrue(e.getMessage().contains("'channels'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> config(0, 10, 1, 8, 1, 1));
        assertTrue(e.getMessage().contains("'size'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new GeneratedShapesConfig(0, 10, 1, 28, 1, 1, Double.NaN));
        assertTrue(e.getMessage().contains("'noise'"), e.getMessage());
    }

    @Test
    void providerMakesTheDefaultDataSet() {
        GeneratedShapesProvider p = new GeneratedShapesProvider();
        assertEquals("generated-shapes", p.name());
        assertTrue(SpiVersion.isCompatible(p.spiVersion()));
        assertEquals(5000, p.create(p.defaultConfig(), null).train().size());
    }
}
