package dev.perennial.continual.net;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.nn.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A batch's features are the features of its examples one at a time. libtorch 2.7.1's CPU 3×3 forward under the
 * project's {@code ONEDNN_MAX_CPU_ISA=AVX} was wrong at batch 3 (and right at batch 1) for input-channel counts above
 * 8 that are not multiples of 8: the second convolution of a 12-channel network broke this.
 */
class SmallConvNetTest {
    @ParameterizedTest
    @ValueSource(ints = {8, 12, 13, 20})
    void aBatchEqualsItsExamplesOneByOne(int channels) {
        try (NDManager m = NDManager.newBaseManager()) {
            SmallConvNet net = new SmallConvNet(channels, 8, 16);
            net.setInitializer(new NormalInitializer(0.1f), Parameter.Type.WEIGHT);
            net.initialize(m, DataType.FLOAT32, new Shape(3, 3, 16, 16));
            m.getEngine().setRandomSeed(5);
            NDArray x = m.randomNormal(new Shape(3, 3, 16, 16));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray batch = net.features(ps, x, false).pooled();
            for (int i = 0; i < 3; i++) {
                NDArray one = net.features(ps, x.get(i + ":" + (i + 1)), false).pooled();
                float diff = one.sub(batch.get(i + ":" + (i + 1))).abs().max().getFloat();
                assertTrue(diff < 1e-4f, channels + " channels, example " + i + ": |batch - alone| = " + diff);
            }
        }
    }
}
