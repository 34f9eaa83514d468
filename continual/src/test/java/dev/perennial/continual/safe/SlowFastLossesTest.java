package dev.perennial.continual.safe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** safe.md §6, S1–S3: the transfer loss and the cosine alignment. */
class SlowFastLossesTest {

    @Test
    void identityFeaturesGiveTheGoldenTransferLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
            SlowFastLosses.Transfer t = SlowFastLosses.transfer(z, z);
            // Γ = 0.5·I: L_diag = 2·(0.5 − 1)² = 0.5, L_rdn = 0 (S1).
            assertEquals(0.5f, t.diagonal().getFloat(), 1e-6f);
            assertEquals(0f, t.redundancy().getFloat(), 1e-6f);
        }
    }

    @Test
    void transferTermsAreNonNegativeAndIgnoreRowScale() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            NDArray s = m.randomNormal(new Shape(5, 6));
            NDArray p = m.randomNormal(new Shape(5, 6));
            SlowFastLosses.Transfer t = SlowFastLosses.transfer(s, p);
            NDArray scale = m.create(new float[] {2f, 0.5f, 7f, 1f, 3f}, new Shape(5, 1));
            SlowFastLosses.Transfer scaled = SlowFastLosses.transfer(s.mul(scale), p.mul(scale.add(1f)));
            assertTrue(t.diagonal().getFloat() >= 0 && t.redundancy().getFloat() > 0);
            assertEquals(t.diagonal().getFloat(), scaled.diagonal().getFloat(), 1e-5f);
            assertEquals(t.redundancy().getFloat(), scaled.redundancy().getFloat(), 1e-5f);
        }
    }

    @Test
    void cosineAlignmentIsASumOverTheBatch() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray f = m.create(new float[] {1, 2, -3, 0.5f, 4, 1}, new Shape(2, 3));
            SlowFastLosses.Reduction sum = SlowFastLosses.Reduction.SUM;
            assertEquals(0f, SlowFastLosses.cosineAlignment(f, f, sum).getFloat(), 1e-6f, "identical: 0");
            assertEquals(4f, SlowFastLosses.cosineAlignment(f, f.neg(), sum).getFloat(), 1e-5f, "antiparallel: 2B");
            NDArray g = m.create(new float[] {0, 1, 1, 2, -1, 0}, new Shape(2, 3));
            float once = SlowFastLosses.cosineAlignment(f, g, sum).getFloat();
            float twice = SlowFastLosses.cosineAlignment(f.concat(f, 0), g.concat(g, 0), sum).getFloat();
            assertEquals(2 * once, twice, 1e-5f, "duplicating the batch doubles the sum");
            assertEquals(once / 2, SlowFastLosses.cosineAlignment(f, g, SlowFastLosses.Reduction.MEAN).getFloat(),
                    1e-6f);
        }
    }
}
