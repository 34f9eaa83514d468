package dev.perennial.continual.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The LwF term of Li and Hoiem (2016) over the old classes. */
class LwfDistillationTest {

    @Test
    void equalsHandComputedCrossEntropyOverOldClassesOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {1f, 2f, 50f}, new ai.djl.ndarray.types.Shape(1, 3));
            NDArray old = m.create(new float[] {2f, 1f, -7f}, new ai.djl.ndarray.types.Shape(1, 3));
            boolean[] oldClasses = {true, true, false};
            double t = 2;
            // p = softmax([1, 0.5]), q = softmax([0.5, 1]); L = −T² Σ p log q
            double p0 = Math.exp(1) / (Math.exp(1) + Math.exp(0.5));
            double p1 = 1 - p0;
            double lq0 = 0.5 - Math.log(Math.exp(0.5) + Math.exp(1));
            double lq1 = 1 - Math.log(Math.exp(0.5) + Math.exp(1));
            double expected = -t * t * (p0 * lq0 + p1 * lq1);
            double got = LwfProvider.LwfLearner.distillation(logits, old, oldClasses, t, true).getFloat();
            assertEquals(ai.djl.ndarray.types.DataType.FLOAT32, LwfProvider.LwfLearner.distillation(logits, old, oldClasses, t, true).getDataType(), "float32 in, float32 out");
            assertEquals(expected, got, 1e-5);
        }
    }

    @Test
    void gradientPullsCurrentOldClassLogitsTowardsTheOldModel() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {3f, -3f, 0f}, new ai.djl.ndarray.types.Shape(1, 3));
            logits.setRequiresGradient(true);
            NDArray old = m.create(new float[] {-3f, 3f, 0f}, new ai.djl.ndarray.types.Shape(1, 3));
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                c.backward(LwfProvider.LwfLearner.distillation(logits, old, new boolean[] {true, true, false}, 2, true));
            }
            float[] g = logits.getGradient().toFloatArray();
            assertTrue(g[0] > 0, "class 0 is over-predicted: gradient must push it down, was " + g[0]);
            assertTrue(g[1] < 0, "class 1 is under-predicted: gradient must push it up, was " + g[1]);
            assertEquals(0f, g[2], 1e-6f, "a new class gets no distillation gradient");
        }
    }
}
