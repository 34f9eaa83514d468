package dev.perennial.models.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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

class ResNetTest {

    /** Trainable parameters, counted from the fixed shapes (no initialisation needed). */
    static long trainableParameters(ai.djl.nn.Block block) {
        return ParameterNames.of(block).values().stream().filter(Parameter::requiresGradient)
                .mapToLong(p -> p.getShape().size()).sum();
    }

    @Test
    void parameterCountsMatchTorchvision() {
        // torchvision 0.14: sum(p.numel() for p in model.parameters()) (printed by tools/goldens/cnn_goldens.py)
        assertEquals(11_689_512L, trainableParameters(new ResNet(ResNetConfig.resnet18(1000))));
        assertEquals(21_797_672L, trainableParameters(new ResNet(ResNetConfig.resnet34(1000))));
        assertEquals(25_557_032L, trainableParameters(new ResNet(ResNetConfig.resnet50(1000))));
        assertEquals(11_173_962L, trainableParameters(new ResNet(ResNetConfig.resnet18(10).withCifarStem())));
    }

    @Test
    void torchvisionNamesForStemStagesDownsampleAndHead() {
        Map<String, Parameter> p = ParameterNames.of(new ResNet(ResNetConfig.resnet50(1000)));
        for (String name : List.of("conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                "layer1.0.conv1.weight", "layer1.0.conv3.weight", "layer1.0.bn3.running_var",
                "layer1.0.downsample.0.weight", "layer1.0.downsample.1.running_mean", "layer4.2.conv2.weight",
                "fc.weight", "fc.bias")) {
            assertTrue(p.containsKey(name), name + " missing from " + p.keySet());
        }
        assertEquals(new Shape(2048, 512, 1, 1), p.get("layer4.0.conv3.weight").getShape());
        assertEquals(new Shape(1000, 2048), p.get("fc.weight").getShape());
        // torchvision's state dict minus the 53 num_batches_tracked buffers
        assertEquals(320 - 53, p.size());
    }

    @Test
    void basicBlocksHaveNoDownsampleWhereWidthAndStrideAreKept() {
        Map<String, Parameter> p = ParameterNames.of(new ResNet(ResNetConfig.resnet18(10)));
        assertTrue(p.keySet().stream().noneMatch(n -> n.startsWith("layer1.0.downsample")));
        assertTrue(p.containsKey("layer2.0.downsample.0.weight"));
        assertEquals(new Shape(64, 3, 7, 7), p.get("conv1.weight").getShape());
        assertEquals(new Shape(64, 3, 3, 3),
                ParameterNames.of(new ResNet(ResNetConfig.resnet18(10).withCifarStem())).get("conv1.weight")
                        .getShape());
    }

    @Test
    void fullSizeResNet18ShapesOfLogitsAndStages() {
        try (NDManager m = NDManager.newBaseManager()) {
            ResNet net = new ResNet(ResNetConfig.resnet18(1000));
            assertEquals(ModelFamily.CNN, net.family());
            assertEquals(512, net.featureDim());
            net.initialize(m, DataType.FLOAT32, new Shape(2, 3, 64, 64));
            NDArray x = m.randomNormal(new Shape(2, 3, 64, 64));
            ParameterStore ps = new ParameterStore(m, false);
            BackboneFeatures f = net.features(ps, x, false);
            assertEquals(new Shape(2, 64, 16, 16), f.stage("layer1").getShape());
            assertEquals(new Shape(2, 128, 8, 8), f.stage("layer2").getShape());
            assertEquals(new Shape(2, 256, 4, 4), f.stage("layer3").getShape());
            assertEquals(new Shape(2, 512, 2, 2), f.stage("layer4").getShape());
            assertEquals(new Shape(2, 512), f.pooled().getShape());
            NDArray logits = net.forward(ps, new NDList(x), false).head();
            assertEquals(new Shape(2, 1000), logits.getShape());
            assertEquals(logits.getShape(), net.getOutputShapes(new Shape[] {x.getShape()})[0]);
        }
    }

    @Test
    void bottleneckAndCifarStageShapes() {
        try (NDManager m = NDManager.newBaseManager()) {
            ResNet wide = new ResNet(ResNetConfig.resnet50(0).withBaseWidth(8));
            assertEquals(256, wide.featureDim());
            wide.initialize(m, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            BackboneFeatures f = wide.features(new ParameterStore(m, false), m.randomNormal(new Shape(1, 3, 32, 32)),
                    false);
            assertEquals(new Shape(1, 32, 8, 8), f.stage("layer1").getShape());
            assertEquals(new Shape(1, 256, 1, 1), f.stage("layer4").getShape());
            // Without a head, forward returns the pooled features.
            assertEquals(new Shape(1, 256), wide.forward(new ParameterStore(m, false),
                    new NDList(m.zeros(new Shape(1, 3, 32, 32))), false).head().getShape());

            ResNet cifar = new ResNet(ResNetConfig.resnet18(10).withBaseWidth(4).withCifarStem());
            cifar.initialize(m, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            BackboneFeatures c = cifar.features(new ParameterStore(m, false), m.randomNormal(new Shape(1, 3, 32, 32)),
                    false);
            assertEquals(new Shape(1, 4, 32, 32), c.stage("layer1").getShape());
            assertEquals(new Shape(1, 32, 4, 4), c.stage("layer4").getShape());
        }
    }

    @Test
    void wrongInputIsAClearError() {
        try (NDManager m = NDManager.newBaseManager()) {
            ResNet net = new ResNet(ResNetConfig.resnet18(10).withBaseWidth(4));
            net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.forward(
                    new ParameterStore(m, false), new NDList(m.zeros(new Shape(1, 1, 32, 32))), false));
            assertTrue(e.getMessage().contains("(N, 3, H, W)"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ResNetConfig.resnet18(10).withLayers(List.of(2, 2, 2)));
    }

    @Test
    void resnet18MatchesPyTorch() throws IOException {
        GoldenCheck.check("cnn/resnet18_w4.safetensors", new ResNet(ResNetConfig.resnet18(10).withBaseWidth(4)),
                "bn1");
    }

    @Test
    void bottleneckResNetMatchesPyTorch() throws IOException {
        GoldenCheck.check("cnn/resnet_bottleneck_w4.safetensors",
                new ResNet(ResNetConfig.resnet50(10).withBaseWidth(4).withLayers(List.of(2, 1, 1, 1))), "bn1");
    }

    @Test
    void cifarResNetMatchesPyTorch() throws IOException {
        GoldenCheck.check("cnn/resnet_cifar_w4.safetensors",
                new ResNet(ResNetConfig.resnet18(10).withBaseWidth(4).withLayers(List.of(1, 1, 1, 1)).withCifarStem()),
                "bn1");
    }
}
