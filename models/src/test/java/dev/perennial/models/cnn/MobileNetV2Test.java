package dev.perennial.models.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.perennial.models.BackboneFeatures;
import dev.perennial.models.ModelFamily;
import dev.perennial.models.ParameterNames;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MobileNetV2Test {

    @Test
    void parameterCountAndNamesMatchTorchvision() {
        MobileNetV2 net = new MobileNetV2(MobileNetV2Config.standard(1000));
        assertEquals(3_504_872L, ResNetTest.trainableParameters(net));
        Map<String, Parameter> p = ParameterNames.of(net);
        // torchvision's state dict minus its 52 num_batches_tracked buffers
        assertEquals(314 - 52, p.size());
        for (String name : List.of("features.0.0.weight", "features.0.1.running_mean", "features.1.conv.0.0.weight",
                "features.1.conv.1.weight", "features.1.conv.2.running_var", "features.2.conv.0.0.weight",
                "features.2.conv.1.0.weight", "features.2.conv.2.weight", "features.2.conv.3.bias",
                "features.18.0.weight", "features.18.1.weight", "classifier.1.weight", "classifier.1.bias")) {
            assertTrue(p.containsKey(name), name);
        }
        assertEquals(new Shape(96, 1, 3, 3), p.get("features.2.conv.1.0.weight").getShape());
        assertEquals(new Shape(1280, 320, 1, 1), p.get("features.18.0.weight").getShape());
    }

    @Test
    void stagesAreTheLastBlockAtEachResolution() {
        MobileNetV2 net = new MobileNetV2(MobileNetV2Config.standard(0));
        assertEquals(List.of("features.1", "features.3", "features.6", "features.13", "features.18"),
                net.stageNames());
        assertEquals(ModelFamily.CNN, net.family());
        assertEquals(1280, net.featureDim());
        try (NDManager m = NDManager.newBaseManager()) {
            net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 64, 64));
            BackboneFeatures f = net.features(new ParameterStore(m, false), m.randomNormal(new Shape(1, 3, 64, 64)),
                    false);
            assertEquals(new Shape(1, 16, 32, 32), f.stage("features.1").getShape());
            assertEquals(new Shape(1, 24, 16, 16), f.stage("features.3").getShape());
            assertEquals(new Shape(1, 32, 8, 8), f.stage("features.6").getShape());
            assertEquals(new Shape(1, 96, 4, 4), f.stage("features.13").getShape());
            assertEquals(new Shape(1, 1280, 2, 2), f.stage("features.18").getShape());
            assertEquals(new Shape(1, 1280), f.pooled().getShape());
        }
    }

    @Test
    void widthMultiplierRoundsLikeTorchvision() {
        assertEquals(8, MobileNetV2Config.makeDivisible(32 * 0.25f));
        assertEquals(8, MobileNetV2Config.makeDivisible(6f));
        assertEquals(16, MobileNetV2Config.makeDivisible(13f));
        assertEquals(24, MobileNetV2Config.makeDivisible(20f)); // 16 would be more than 10% below 20
        assertEquals(1280, MobileNetV2Config.standard(10).withWidthMultiplier(0.5f).featureDim());
        assertEquals(1600, MobileNetV2Config.standard(10).withWidthMultiplier(1.25f).featureDim());
    }

    @Test
    void tinyMobileNetV2MatchesPyTorch() throws IOException {
        // dropout 0, as in the golden, so the train-mode pass is deterministic
        MobileNetV2Config config = new MobileNetV2Config(0.25f, MobileNetV2Config.STANDARD_STAGES, 32, 10, 0f, 3)
                .withStages(List.of(new MobileNetV2Config.Stage(1, 16, 1, 1), new MobileNetV2Config.Stage(6, 24, 2, 2),
                        new MobileNetV2Config.Stage(6, 32, 2, 2), new MobileNetV2Config.Stage(6, 64, 1, 2)));
        GoldenCheck.check("cnn/mobilenetv2_tiny.safetensors", new MobileNetV2(config), "features.0.1");
    }
}
