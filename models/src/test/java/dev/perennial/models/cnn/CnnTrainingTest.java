package dev.perennial.models.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.models.io.TensorSource;
import dev.perennial.models.io.WeightLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CnnTrainingTest {
    @TempDir
    Path dir;

    @Test
    void gradientsReachWeightsButNotRunningStatistics() {
        try (NDManager m = NDManager.newBaseManager()) {
            ResNet net = new ResNet(ResNetConfig.resnet18(3).withBaseWidth(4).withCifarStem());
            net.initialize(m, DataType.FLOAT32, new Shape(2, 3, 8, 8));
            Map<String, Parameter> p = ParameterNames.of(net);
            assertFalse(p.get("bn1.running_mean").requiresGradient());
            assertTrue(p.get("bn1.weight").requiresGradient());
            float before = p.get("bn1.running_mean").getArray().sum().getFloat();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = net.forward(new ParameterStore(m, false),
                        new NDList(m.randomNormal(new Shape(2, 3, 8, 8)).add(1f)), true).head();
                gc.backward(logits.sum());
            }
            assertTrue(p.get("conv1.weight").getArray().getGradient().abs().sum().getFloat() > 0);
            assertTrue(p.get("layer4.1.conv2.weight").getArray().getGradient().abs().sum().getFloat() > 0);
            // A training pass moves the running mean towards the batch mean (momentum 0.1).
            assertTrue(Math.abs(p.get("bn1.running_mean").getArray().sum().getFloat() - before) > 0);
        }
    }

    @Test
    void savedNetworkReloadsWithIdenticalOutput() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            MobileNetV2Config config = MobileNetV2Config.standard(5).withWidthMultiplier(0.25f).withLastChannels(16);
            MobileNetV2 a = new MobileNetV2(config);
            a.initialize(m, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            Path file = dir.resolve("mnv2.safetensors");
            Checkpoints.save(a, file);
            MobileNetV2 b = new MobileNetV2(config);
            b.initialize(m, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            try (TensorSource ckpt = Checkpoints.open(file)) {
                assertTrue(WeightLoader.strict().load(ckpt, b).isComplete());
            }
            NDArray x = m.randomNormal(new Shape(2, 3, 32, 32));
            ParameterStore ps = new ParameterStore(m, false);
            assertEquals(0f, a.forward(ps, new NDList(x), false).head()
                    .sub(b.forward(ps, new NDList(x), false).head()).abs().max().getFloat());
        }
    }
}
