package dev.perennial.slerpface.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The metrics on distributions whose answer is known. */
class VerificationProtocolTest {

    @Test
    void separableDistancesGiveFullAccuracy() {
        int n = 200;
        double[] d = new double[n];
        boolean[] same = new boolean[n];
        for (int i = 0; i < n; i++) {
            same[i] = i % 2 == 0;
            d[i] = same[i] ? 0.2 : 0.6;
        }
        VerificationProtocol.Accuracy a = VerificationProtocol.tenFoldAccuracy(d, same);
        assertEquals(1.0, a.mean(), 0);
        assertEquals(0.0, a.std(), 0);
    }

    @Test
    void uninformativeDistancesGiveChanceAccuracy() {
        Random random = new Random(1);
        int n = 2000;
        double[] d = new double[n];
        boolean[] same = new boolean[n];
        for (int i = 0; i < n; i++) {
            same[i] = random.nextBoolean();
            d[i] = random.nextDouble();
        }
        assertEquals(0.5, VerificationProtocol.tenFoldAccuracy(d, same).mean(), 0.05);
    }

    @Test
    void tarAtFarCountsGenuineAboveTheImpostorQuantile() {
        double[] impostor = new double[1000];
        for (int i = 0; i < 1000; i++) {
            impostor[i] = i / 1000.0;
        }
        double[] genuine = {0.9985, 0.9995, 0.5, 0.2};
        VerificationProtocol.TarAtFar point = VerificationProtocol.tarAtFar(genuine, impostor, 1e-3);
        assertEquals(0.998, point.threshold(), 1e-12);
        assertEquals(0.5, point.tar(), 0);
        assertThrows(IllegalArgumentException.class, () -> VerificationProtocol.tarAtFar(genuine, new double[10],
                1e-3));
    }

    @Test
    void unlinkabilityIsOneForDisjointAndNearZeroForEqualDistributions() {
        Random random = new Random(2);
        double[] a = new double[5000];
        double[] b = new double[5000];
        double[] c = new double[5000];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextGaussian();
            b[i] = random.nextGaussian();
            c[i] = 10 + random.nextGaussian();
        }
        assertEquals(1.0, Unlinkability.dSys(c, a, 10), 1e-9);
        assertTrue(Unlinkability.dSys(a, b, 10) < 0.05);
    }

    @Test
    void ridgeRecoversALinearMap() {
        Random random = new Random(3);
        double[][] x = new double[300][5];
        double[][] y = new double[300][2];
        for (int r = 0; r < 300; r++) {
            for (int j = 0; j < 5; j++) {
                x[r][j] = random.nextGaussian();
            }
            y[r][0] = 2 * x[r][0] - x[r][3] + 0.5;
            y[r][1] = x[r][4];
        }
        double[] p = RidgeInverter.fit(x, y, 1e-6).predict(new double[] {1, 0, 0, 1, -2});
        assertEquals(1.5, p[0], 1e-4);
        assertEquals(-2, p[1], 1e-4);
    }
}
