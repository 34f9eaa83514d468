package dev.perennial.slerpface;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The slerp properties of spec §4 (F1–F3, F11) and the key-known inverse (F8, first half). */
class GroupSlerpTest {

    private static double[] gaussian(Random random, int n) {
        double[] v = new double[n];
        for (int j = 0; j < n; j++) {
            v[j] = random.nextGaussian();
        }
        return v;
    }

    private static double cos(double[] a, double[] b) {
        return GroupSlerp.dot(GroupSlerp.normalize(a), GroupSlerp.normalize(b));
    }

    @Test
    void alphaZeroGivesTheTemplateAndAlphaOneTheKey() {
        Random random = new Random(1);
        double[] t = gaussian(random, 16);
        double[] k = gaussian(random, 16);
        assertArrayEquals(GroupSlerp.normalize(t), GroupSlerp.slerp(t, k, 0, 1e-7), 1e-12);
        assertEquals(1.0, cos(GroupSlerp.slerp(t, k, 1, 1e-7), k), 1e-12);
    }

    @Test
    void resultHasUnitNormForEveryAlpha() {
        Random random = new Random(2);
        for (int trial = 0; trial < 20; trial++) {
            double[] t = gaussian(random, 16);
            double[] k = gaussian(random, 16);
            for (int a = 0; a <= 10; a++) {
                assertEquals(1.0, GroupSlerp.norm(GroupSlerp.slerp(t, k, a / 10.0, 1e-7)), 1e-12);
            }
        }
    }

    @Test
    void angleToTemplateIsAlphaTheta() {
        Random random = new Random(3);
        double[] t = gaussian(random, 16);
        double[] k = gaussian(random, 16);
        double theta = GroupSlerp.angle(t, k);
        double[] p = GroupSlerp.slerp(t, k, 0.3, 1e-7);
        assertEquals(0.3000, GroupSlerp.angle(t, p) / theta, 1e-9);
        assertEquals(0.7000, GroupSlerp.angle(p, k) / theta, 1e-9);
        double[] half = GroupSlerp.slerp(t, k, 0.5, 1e-7);
        assertEquals(cos(half, t), cos(half, k), 1e-12);
    }

    @Test
    void identicalTemplateAndKeyGiveNoNaN() {
        double[] t = {1, 2, 3, 4};
        double[] p = GroupSlerp.slerp(t, t.clone(), 0.88, 1e-7);
        for (double v : p) {
            assertFalse(Double.isNaN(v));
        }
        assertArrayEquals(GroupSlerp.normalize(t), p, 1e-12);
    }

    @Test
    void inverseWithTheKeyRecoversTheTemplateExactly() {
        Random random = new Random(4);
        for (int trial = 0; trial < 20; trial++) {
            double[] t = gaussian(random, 16);
            double[] k = gaussian(random, 16);
            double alpha = 0.88;
            double[] recovered = GroupSlerp.inverse(GroupSlerp.slerp(t, k, alpha, 1e-7), k, alpha);
            assertEquals(1.0, cos(recovered, t), 1e-9);
        }
    }
}
