package dev.perennial.continual.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Herding (specs/replay.md R9–R11) and the memory conventions (R13). */
class HerdingTest {

    @Test
    void picksTheMeanClosestSetInTheGoldenOrder() {
        // features {0, 1, 2, 10}, μ = 3.25: k=1 picks 2; k=2 picks 1 ((1+2)/2 = 1.5); k=3 picks 10 ((10+3)/3 ≈ 4.33
        // beats (0+3)/3 = 1); then 0.
        float[][] f = {{0f}, {1f}, {2f}, {10f}};
        assertArrayEquals(new int[] {2, 1, 3, 0}, Herding.select(f, 4));
    }

    @Test
    void reducingASelectionEqualsSelectingFewerDirectly() {
        float[][] f = random(40, 6, 3);
        int[] ten = Herding.select(f, 10);
        for (int m = 0; m <= 10; m++) {
            assertArrayEquals(Arrays.copyOf(ten, m), Herding.select(f, m), "m = " + m);
        }
    }

    @Test
    void choosesDistinctIndicesAndEverySampleWhenMemoryExceedsTheClass() {
        float[][] f = random(7, 4, 5);
        int[] all = Herding.select(f, 20);
        assertEquals(7, all.length);
        assertEquals(7, Arrays.stream(all).distinct().count());
    }

    @Test
    void theChosenPrefixMeanIsCloserToTheClassMeanThanAnyOtherSingleSwap() {
        float[][] f = random(30, 5, 8);
        int[] one = Herding.select(f, 1);
        double[] mu = new double[5];
        for (float[] v : f) {
            for (int j = 0; j < 5; j++) {
                mu[j] += v[j] / f.length;
            }
        }
        double best = distance(f[one[0]], mu);
        for (float[] v : f) {
            org.junit.jupiter.api.Assertions.assertTrue(distance(v, mu) >= best - 1e-12);
        }
    }

    private static double distance(float[] v, double[] mu) {
        double d = 0;
        for (int j = 0; j < mu.length; j++) {
            d += (v[j] - mu[j]) * (v[j] - mu[j]);
        }
        return d;
    }

    @Test
    void fixedTotalMemoryShrinksPerClassAsClassesArrive() {
        ExemplarMemory fixedTotal = new ExemplarMemory(true, 2000);
        int[] expected = {200, 100, 66, 50, 40, 33, 28, 25, 22, 20};
        for (int t = 1; t <= 10; t++) {
            assertEquals(expected[t - 1], fixedTotal.perClass(10 * t), "after task " + t);
            org.junit.jupiter.api.Assertions.assertTrue(fixedTotal.perClass(10 * t) * 10 * t <= 2000);
        }
        ExemplarMemory perClass = new ExemplarMemory(false, 20);
        assertEquals(20, perClass.perClass(10));
        assertEquals(20, perClass.perClass(100));
    }

    private static float[][] random(int n, int d, long seed) {
        Random r = new Random(seed);
        float[][] f = new float[n][d];
        for (float[] row : f) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        return f;
    }
}
