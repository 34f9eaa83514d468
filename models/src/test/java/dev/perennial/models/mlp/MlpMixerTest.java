package dev.perennial.models.mlp;

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
import dev.perennial.models.cnn.GoldenCheck;
import dev.perennial.models.pet.LoraConfig;
import dev.perennial.models.pet.LoraLayers;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MlpMixerTest {
    private static final MlpMixerConfig TINY = new MlpMixerConfig(16, 4, 3, 16, 2, 0.5, 4.0, 10, 1e-6f);

    private static long parameters(MlpMixer net) {
        return ParameterNames.of(net).values().stream().filter(Parameter::requiresGradient)
                .mapToLong(p -> p.getShape().size()).sum();
    }

    @Test
    void parameterCountsMatchTimm() {
        // timm mixer_b16_224 / mixer_s16_224 (the module tree is mirrored in tools/goldens/cnn_goldens.py)
        assertEquals(59_880_472L, parameters(new MlpMixer(MlpMixerConfig.mixerB16(1000))));
        assertEquals(18_528_264L, parameters(new MlpMixer(MlpMixerConfig.mixerS16(1000))));
    }

    @Test
    void timmNames() {
        Map<String, Parameter> p = ParameterNames.of(new MlpMixer(MlpMixerConfig.mixerB16(1000)));
        for (String name : List.of("stem.proj.weight", "stem.proj.bias", "blocks.0.norm1.weight",
                "blocks.0.mlp_tokens.fc1.weight", "blocks.0.mlp_tokens.fc2.bias", "blocks.11.norm2.bias",
                "blocks.11.mlp_channels.fc1.weight", "norm.weight", "head.weight", "head.bias")) {
            assertTrue(p.containsKey(name), name);
        }
        assertEquals(new Shape(384, 196), p.get("blocks.0.mlp_tokens.fc1.weight").getShape());
        assertEquals(new Shape(3072, 768), p.get("blocks.0.mlp_channels.fc1.weight").getShape());
        assertEquals(new Shape(768, 3, 16, 16), p.get("stem.proj.weight").getShape());
    }

    @Test
    void shapesOfStagesAndOutput() {
        try (NDManager m = NDManager.newBaseManager()) {
            MlpMixer net = new MlpMixer(TINY);
            assertEquals(ModelFamily.MLP, net.family());
            assertEquals(16, net.featureDim());
            assertEquals(List.of("blocks.0", "blocks.1"), net.stageNames());
            net.initialize(m, DataType.FLOAT32, new Shape(3, 3, 16, 16));
            ParameterStore ps = new ParameterStore(m, false);
            BackboneFeatures f = net.features(ps, m.randomNormal(new Shape(3, 3, 16, 16)), false);
            assertEquals(new Shape(3, 16, 16), f.stage("blocks.1").getShape());
            assertEquals(new Shape(3, 16), f.pooled().getShape());
            assertEquals(new Shape(3, 10), net.forward(ps, new NDList(m.zeros(new Shape(3, 3, 16, 16))), false)
                    .head().getShape());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> net.forward(ps, new NDList(m.zeros(new Shape(1, 3, 32, 32))), false));
            assertTrue(e.getMessage().contains("number of patches"), e.getMessage());
        }
    }

    @Test
    void loraAttachesToTheMixerLinearLayersByModuleName() {
        try (NDManager m = NDManager.newBaseManager()) {
            MlpMixer net = new MlpMixer(TINY);
            net.initialize(m, DataType.FLOAT32, new Shape(2, 3, 16, 16));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 3, 16, 16));
            NDArray before = net.forward(ps, new NDList(x), false).head();
            LoraLayers lora = LoraLayers.inject(net, LoraConfig.of(2, 4f, "mlp_channels.fc1"));
            assertEquals(Set.of("blocks.0.mlp_channels.fc1", "blocks.1.mlp_channels.fc1"), lora.moduleNames());
            // lora_B starts at zero, so the output is unchanged until training moves it.
            assertEquals(0f, before.sub(net.forward(ps, new NDList(x), false).head()).abs().max().getFloat());
        }
    }

    @Test
    void badConfigurationIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MlpMixerConfig(30, 16, 3, 16, 2, 0.5, 4.0, 10, 1e-6f));
        assertTrue(e.getMessage().contains("patchSize must divide imageSize"), e.getMessage());
    }

    @Test
    void tinyMixerMatchesPyTorch() throws IOException {
        GoldenCheck.check("mlp/mixer_tiny.safetensors", new MlpMixer(TINY), null);
    }
}
