package dev.perennial.continual.ptm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** safe.md §2.2 and §6, S13–S14: the cosine head. */
class CosineHeadTest {

    private static CosineHead head(NDManager m, int classes, int dim) {
        CosineHead h = new CosineHead(classes, dim, CosineHead.SIGMA_INIT);
        h.initialize(m, DataType.FLOAT32, new Shape(1, dim));
        return h;
    }

    @Test
    void logitsAreSigmaTimesCosine() {
        try (NDManager m = NDManager.newBaseManager()) {
            CosineHead h = head(m, 2, 2);
            h.setRows(new int[] {0, 1}, new float[][] {{3, 0}, {1, 1}});
            NDArray z = h.logits(new ParameterStore(m, false), m.create(new float[] {2, 0}, new Shape(1, 2)), false);
            assertArrayEquals(new float[] {10f, 10f / (float) Math.sqrt(2)}, z.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void zeroRowGivesLogitZeroWithoutNaNAndZeroGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            CosineHead h = head(m, 3, 4);
            h.zeroRows(new int[] {2});
            NDArray f = m.create(new float[] {1, 2, 3, 4, -1, 0, 2, 1}, new Shape(2, 4));
            ParameterStore ps = new ParameterStore(m, false);
            float[] z;
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray logits = h.logits(ps, f, true);
                z = logits.toFloatArray();
                // Only the first two classes take part, as unseen classes are masked out of every loss.
                c.backward(MaskedCrossEntropy.mean(MaskedCrossEntropy.mask(logits, new boolean[] {true, true, false}),
                        m.create(new long[] {0, 1})));
            }
            assertEquals(0f, z[2]);
            assertEquals(0f, z[5]);
            float[] grad = h.weight().getArray().getGradient().toFloatArray();
            for (float g : grad) {
                assertFalse(Float.isNaN(g));
            }
            assertArrayEquals(new float[4], Arrays.copyOfRange(grad, 8, 12), "an unseen zero row gets no gradient");
        }
    }

    @Test
    void sigmaIsLearnable() {
        try (NDManager m = NDManager.newBaseManager()) {
            CosineHead h = head(m, 2, 3);
            assertEquals(CosineHead.SIGMA_INIT, h.sigmaValue());
            NDArray f = m.create(new float[] {1, 0, 0, 0, 1, 0}, new Shape(2, 3));
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                c.backward(MaskedCrossEntropy.mean(h.logits(new ParameterStore(m, false), f, true),
                        m.create(new long[] {0, 1})));
            }
            assertNotEquals(0f, h.sigma().getArray().getGradient().getFloat(0));
        }
    }

    @Test
    void growingKeepsOldRowsAndSigma() {
        try (NDManager m = NDManager.newBaseManager()) {
            CosineHead h = head(m, 4, 2);
            float[] before = h.weight().getArray().toFloatArray();
            h.zeroRows(new int[] {2, 3});
            float[] after = h.weight().getArray().toFloatArray();
            assertArrayEquals(Arrays.copyOf(before, 4), Arrays.copyOf(after, 4));
            assertArrayEquals(new float[4], Arrays.copyOfRange(after, 4, 8));
            assertEquals(CosineHead.SIGMA_INIT, h.sigmaValue());
        }
    }
}
