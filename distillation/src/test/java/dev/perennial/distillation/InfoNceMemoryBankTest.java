package dev.perennial.distillation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The memory-bank InfoNCE (CRD's memory): its value in the limiting cases, the index draw and the update. */
class InfoNceMemoryBankTest {

    @Test
    void aBankOfIdenticalRowsGivesLogOfKPlusOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            int n = 40;
            int k = 12;
            // Every stored row the same: every similarity equal, so the softmax is uniform over K + 1 columns.
            NDArray bank = InfoNce.normalize(m.ones(new Shape(1, 8))).repeat(0, n);
            NDArray anchor = InfoNce.normalize(m.randomNormal(new Shape(6, 8)));
            long[] ids = {0, 5, 9, 17, 33, 39};
            NDArray contrast = m.create(InfoNceMemoryBank.contrastIndices(ids, k, n, new SplittableRandom(1)),
                    new Shape(ids.length, k + 1));
            NDArray logTau = m.create(new float[] {(float) Math.log(0.07)});
            float loss = InfoNceMemoryBank.loss(anchor, bank, contrast, logTau).getFloat();
            assertEquals(Math.log(k + 1), loss, 1e-4);
        }
    }

    @Test
    void withTheOtherSidesCurrentEmbeddingsAsBankItEqualsTheInBatchLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(6);
            int b = 5;
            NDArray zi = InfoNce.normalize(m.randomNormal(new Shape(b, 4)));
            NDArray zj = InfoNce.normalize(m.randomNormal(new Shape(b, 4)));
            NDArray logTau = m.create(new float[] {(float) Math.log(0.2)});
            // Row r contrasts with every row of the bank, itself first: the in-batch set of §2.4.
            long[] idx = new long[b * b];
            for (int r = 0; r < b; r++) {
                idx[r * b] = r;
                int c = 1;
                for (int o = 0; o < b; o++) {
                    if (o != r) {
                        idx[r * b + c++] = o;
                    }
                }
            }
            float bank = InfoNceMemoryBank.loss(zi, zj, m.create(idx, new Shape(b, b)), logTau).getFloat();
            float inBatch = InfoNce.loss(zi, zj, logTau, false).getFloat();
            assertEquals(inBatch, bank, 1e-5f);
        }
    }

    @Test
    void negativesAreUniformOverTheOtherRowsAndNeverThePositive() {
        long n = 7;
        long[] ids = {0, 3, 6, 3};
        int k = 6;
        long[] idx = InfoNceMemoryBank.contrastIndices(ids, k, n, new SplittableRandom(11));
        assertEquals(ids.length * (k + 1), idx.length);
        for (int b = 0; b < ids.length; b++) {
            assertEquals(ids[b], idx[b * (k + 1)], "column 0 is the positive");
            for (int c = 1; c <= k; c++) {
                long v = idx[b * (k + 1) + c];
                assertTrue(v >= 0 && v < n && v != ids[b], "negative " + v + " of sample " + ids[b]);
            }
        }
        // Many draws for one id reach every other row and only those.
        long[] many = InfoNceMemoryBank.contrastIndices(new long[] {2}, 500, 501, new SplittableRandom(3));
        Set<Long> seen = new HashSet<>();
        for (int c = 1; c < many.length; c++) {
            seen.add(many[c]);
        }
        assertTrue(!seen.contains(2L) && seen.size() > 300, "distinct negatives: " + seen.size());
        // Two rows: the only negative is the other one.
        long[] two = InfoNceMemoryBank.contrastIndices(new long[] {1, 0}, 1, 2, new SplittableRandom(0));
        assertArrayEquals(new long[] {1, 0, 0, 1}, two);
        // The step's seed fixes the draw (a resumed run draws the same negatives).
        assertArrayEquals(idx, InfoNceMemoryBank.contrastIndices(ids, k, n, new SplittableRandom(11)));
    }

    @Test
    void idsOutsideTheBankAndTooManyNegativesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InfoNceMemoryBank.contrastIndices(new long[] {10}, 3, 10, new SplittableRandom(0)));
        assertTrue(e.getMessage().contains("memoryBankSize") && e.getMessage().contains("10"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> InfoNceMemoryBank.contrastIndices(new long[] {1}, 10, 10, new SplittableRandom(0)));
        assertTrue(e.getMessage().contains("negatives"), e.getMessage());
    }

    @Test
    void momentumUpdateIsCrdsFormulaAndTouchesOnlyTheBatchRows() {
        try (NDManager m = NDManager.newBaseManager(); NDManager bankManager = m.newSubManager()) {
            NDArray bank = bankManager.create(new float[] {1, 0, 0, 1, 0.6f, 0.8f, -1, 0}, new Shape(4, 2));
            // Nothing of a step may stay in the bank's manager (a capped manager refuses new arrays).
            bankManager.cap();
            float[] before = bank.toFloatArray();
            NDArray current = m.create(new float[] {0, 1, 3, 4}, new Shape(2, 2));
            long[] ids = {2, 0};
            InfoNceMemoryBank.update(bank, ids, current, 0.5f, m);
            float[] after = bank.toFloatArray();
            // Row 2: n(0.5·(0.6, 0.8) + 0.5·(0, 1)) = n(0.3, 0.9).
            double norm2 = Math.hypot(0.3, 0.9);
            assertEquals(0.3 / norm2, after[4], 1e-6);
            assertEquals(0.9 / norm2, after[5], 1e-6);
            // Row 0: n(0.5·(1, 0) + 0.5·(3, 4)) = n(2, 2).
            assertEquals(Math.sqrt(0.5), after[0], 1e-6);
            assertEquals(Math.sqrt(0.5), after[1], 1e-6);
            // Rows 1 and 3 are not in the batch.
            assertEquals(before[2], after[2]);
            assertEquals(before[3], after[3]);
            assertEquals(before[6], after[6]);
            assertEquals(before[7], after[7]);
            // μ = 0 stores the (normalised) current embedding.
            InfoNceMemoryBank.update(bank, new long[] {3}, m.create(new float[] {0, -2}, new Shape(1, 2)), 0f, m);
            assertEquals(0f, bank.toFloatArray()[6], 1e-7f);
            assertEquals(-1f, bank.toFloatArray()[7], 1e-7f);
        }
    }

    @Test
    void gradientReachesTheAnchorNotTheBankAndSurvivesAnUpdateInTheSameStep() {
        try (NDManager m = NDManager.newBaseManager(); NDManager bankManager = m.newSubManager()) {
            Engine.getInstance().setRandomSeed(8);
            NDArray bank = bankManager.create(InfoNce.normalize(m.randomNormal(new Shape(10, 4))).toFloatArray(),
                    new Shape(10, 4));
            bankManager.cap();
            NDArray raw = m.randomNormal(new Shape(3, 4));
            raw.setRequiresGradient(true);
            long[] ids = {1, 4, 7};
            NDArray contrast = m.create(InfoNceMemoryBank.contrastIndices(ids, 5, 10, new SplittableRandom(2)),
                    new Shape(3, 6));
            float[] stored = bank.toFloatArray();
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray anchor = InfoNce.normalize(raw);
                NDArray loss = InfoNceMemoryBank.loss(anchor, InfoNceMemoryBank.snapshot(bank, m), contrast,
                        m.create(new float[] {(float) Math.log(0.07)}));
                InfoNceMemoryBank.update(bank, ids, anchor, 0.5f, m);
                c.backward(loss);
            }
            assertTrue(raw.getGradient().abs().sum().getFloat() > 0f);
            assertNull(bank.hasGradient() ? bank.getGradient() : null);
            assertNotEquals(stored[4], bank.toFloatArray()[4], "row 1 was updated");
        }
    }
}
