package dev.perennial.models.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.perennial.models.nn.MultiHeadAttention;
import org.junit.jupiter.api.Test;

/**
 * {@link Attention#attendInBatchChunks} (issue #24: the UNet's full-resolution self-attention in batch slices that
 * keep each score tensor small) computes the attention of the whole batch: outputs and the gradients of q, k and v
 * agree with {@link MultiHeadAttention#attend} over the batch at once, for slices of several samples with a shorter
 * last one, of one sample (a bound below one sample's scores), and of the whole batch.
 */
class AttentionBatchChunksTest {
    private static final int B = 5;
    private static final int H = 2;
    private static final int S = 16;
    private static final int T = 12;
    private static final int D = 4;

    @Test
    void slicesAgreeWithTheWholeBatchInValueAndGradient() {
        Engine.getInstance().setRandomSeed(11);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.randomNormal(new Shape(B, H, S, D));
            NDArray k = m.randomNormal(new Shape(B, H, T, D));
            NDArray v = m.randomNormal(new Shape(B, H, T, D));
            NDArray u = m.randomNormal(new Shape(B, H, S, D));
            NDArray[] whole = run(q, k, v, u, -1);
            long perSample = (long) H * S * T;
            for (long bound : new long[] {2 * perSample, 2 * perSample + 7, 1, B * perSample, Long.MAX_VALUE}) {
                NDArray[] sliced = run(q, k, v, u, bound);
                for (int i = 0; i < 4; i++) {
                    float diff = whole[i].sub(sliced[i]).abs().max().getFloat();
                    assertTrue(diff <= 1e-6f, "bound " + bound + ", " + new String[] {"output", "dq", "dk", "dv"}[i]
                            + " differs by " + diff);
                }
            }
        }
    }

    @Test
    void aBoundBelowOneScoreIsAnError() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.randomNormal(new Shape(1, 1, 2, 2));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Attention.attendInBatchChunks(q, q, q, 0));
            assertEquals("attention: maxScores must be >= 1, was 0", e.getMessage());
        }
    }

    /** Output and gradients of sum(out · u) for q, k, v; bound -1: the whole batch through attend. */
    private static NDArray[] run(NDArray q0, NDArray k0, NDArray v0, NDArray u, long bound) {
        NDArray q = q0.duplicate();
        NDArray k = k0.duplicate();
        NDArray v = v0.duplicate();
        q.setRequiresGradient(true);
        k.setRequiresGradient(true);
        v.setRequiresGradient(true);
        NDArray out;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            out = bound < 0 ? MultiHeadAttention.attend(q, k, v, null, 0f, true)
                    : Attention.attendInBatchChunks(q, k, v, bound);
            gc.backward(out.mul(u).sum());
        }
        assertEquals(new Shape(B, H, S, D), out.getShape());
        return new NDArray[] {out.stopGradient(), q.getGradient().duplicate(), k.getGradient().duplicate(),
            v.getGradient().duplicate()};
    }
}
