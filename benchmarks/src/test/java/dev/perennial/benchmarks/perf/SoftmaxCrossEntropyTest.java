package dev.perennial.benchmarks.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The loss the three sides share: mean −log softmax(z)_y, and mixup's w·CE(y) + (1 − w)·CE(y₂). */
class SoftmaxCrossEntropyTest {

    private static double ce(float[] z, int y) {
        double max = Math.max(Math.max(z[0], z[1]), z[2]);
        double sum = 0;
        for (float v : z) {
            sum += Math.exp(v - max);
        }
        return -(z[y] - max - Math.log(sum));
    }

    @Test
    void plainAndMixedLossesMatchTheFormula() {
        float[][] z = {{1f, 2f, 0.5f}, {-1f, 0f, 3f}};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {1f, 2f, 0.5f, -1f, 0f, 3f}).reshape(2, 3);
            NDArray labels = m.create(new long[] {1, 0});
            double plain = SoftmaxCrossEntropy.mean(logits, labels, Optional.empty(), Optional.empty()).getFloat();
            assertEquals((ce(z[0], 1) + ce(z[1], 0)) / 2, plain, 1e-5);
            NDArray second = m.create(new long[] {2, 2});
            NDArray w = m.create(new float[] {0.25f, 1f});
            double mixed = SoftmaxCrossEntropy.mean(logits, labels, Optional.of(second), Optional.of(w)).getFloat();
            double expected = (0.25 * ce(z[0], 1) + 0.75 * ce(z[0], 2) + ce(z[1], 0)) / 2;
            assertEquals(expected, mixed, 1e-5);
        }
    }
}
