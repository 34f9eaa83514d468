package dev.perennial.models.vit;

import static dev.perennial.models.nn.GoldenFile.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.nn.GoldenFile;
import dev.perennial.models.pet.AdapterConfig;
import dev.perennial.models.pet.PromptConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VisionTransformerTest {
    private static final VitConfig TINY = VitConfig.of(16, 4, 32, 2, 4, 10);
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private VisionTransformer built(VitConfig config) {
        VisionTransformer vit = new VisionTransformer(config);
        vit.initialize(manager, DataType.FLOAT32);
        return vit;
    }

    static long parameterCount(Block block) {
        return ParameterNames.of(block).values().stream().mapToLong(p -> p.getShape().size()).sum();
    }

    @Test
    void parameterNamesAreTimmNames() {
        Map<String, Parameter> names = ParameterNames.of(new VisionTransformer(TINY));
        assertTrue(names.containsKey("cls_token"));
        assertTrue(names.containsKey("pos_embed"));
        assertTrue(names.containsKey("patch_embed.proj.weight"));
        assertTrue(names.containsKey("blocks.1.norm1.weight"));
        assertTrue(names.containsKey("blocks.1.attn.qkv.weight"));
        assertTrue(names.containsKey("blocks.1.attn.proj.bias"));
        assertTrue(names.containsKey("blocks.0.mlp.fc1.weight"));
        assertTrue(names.containsKey("blocks.0.mlp.fc2.bias"));
        assertTrue(names.containsKey("norm.weight"));
        assertTrue(names.containsKey("head.weight"));
    }

    @Test
    void parameterCountsOfFullSizeConfigsMatchTimm() {
        // Counts printed by tools/goldens/transformer_goldens.py --counts; timm reports the same numbers.
        assertEquals(5_717_416L, parameterCount(new VisionTransformer(VitConfig.tiny(224, 16, 1000))));
        assertEquals(22_050_664L, parameterCount(new VisionTransformer(VitConfig.small(224, 16, 1000))));
        assertEquals(86_567_656L, parameterCount(new VisionTransformer(VitConfig.base(224, 16, 1000))));
    }

    @Test
    void forwardMatchesPyTorchGolden() {
        GoldenFile golden = GoldenFile.load(manager, "vit_tiny.safetensors");
        VisionTransformer vit = built(TINY);
        golden.copyWeightsInto(vit);
        VitOutput out = vit.forwardAll(new ParameterStore(manager, false), golden.get("input.images"), false);
        assertClose(golden.get("output.tokens"), out.tokens(), 1e-4f, "tokens");
        assertClose(golden.get("output.pooled"), out.pooled(), 1e-4f, "pooled");
        assertClose(golden.get("output.logits"), out.logits().orElseThrow(), 1e-4f, "logits");
        assertEquals(3, out.hiddenStates().size());
        for (int i = 0; i < 3; i++) {
            assertClose(golden.get("output.hidden." + i), out.hiddenStates().get(i), 1e-4f, "hidden " + i);
        }
        assertClose(golden.get("output.hidden.1").get(":, 0, :"), out.classToken(1), 1e-4f, "class token 1");
    }

    @Test
    void timmCheckpointLoadsThroughTheStrictWeightLoader() throws Exception {
        VisionTransformer vit = built(TINY);
        java.nio.file.Path file = java.nio.file.Path.of("src/test/resources/goldens/vit_tiny.safetensors");
        try (dev.perennial.models.io.TensorSource source = dev.perennial.models.io.Checkpoints.open(file)) {
            var report = dev.perennial.models.io.WeightLoader.strict()
                    .ignoring("^(input|output)\\.")
                    .load(source, vit);
            assertTrue(report.isComplete(), report.describe());
        }
        GoldenFile golden = GoldenFile.load(manager, "vit_tiny.safetensors");
        VitOutput out = vit.forwardAll(new ParameterStore(manager, false), golden.get("input.images"), false);
        assertClose(golden.get("output.logits"), out.logits().orElseThrow(), 1e-4f, "logits");
    }

    @Test
    void petModulesMatchPyTorchGolden() {
        for (boolean deep : new boolean[] {true, false}) {
            GoldenFile golden =
                    GoldenFile.load(manager, "vit_pet_" + (deep ? "deep" : "shallow") + ".safetensors");
            PromptConfig prompts = deep ? PromptConfig.deep(3) : PromptConfig.shallow(3);
            VitConfig config = TINY.withNumClasses(0)
                    .withSsf(true)
                    .withAdapter(new AdapterConfig(8, 0.1f, 0.1f))
                    .withPrompts(prompts);
            VisionTransformer vit = built(config);
            golden.copyWeightsInto(vit);
            VitOutput out = vit.forwardAll(new ParameterStore(manager, false), golden.get("input.images"), false);
            assertClose(golden.get("output.tokens"), out.tokens(), 1e-4f, "tokens deep=" + deep);
            assertClose(golden.get("output.pooled"), out.pooled(), 1e-4f, "pooled deep=" + deep);
            for (int i = 0; i < 3; i++) {
                assertClose(golden.get("output.hidden." + i), out.hiddenStates().get(i), 1e-4f,
                        "hidden " + i + " deep=" + deep);
            }
        }
    }

    @Test
    void visualPromptsChangeTheTokenCountAsSpecified() {
        NDArray images = manager.randomNormal(new Shape(2, 3, 16, 16));
        ParameterStore store = new ParameterStore(manager, false);
        // 16 patches + class token = 17 tokens; 3 prompts.
        VitOutput shallow = built(TINY.withPrompts(PromptConfig.shallow(3))).forwardAll(store, images, false);
        assertEquals(new Shape(2, 17, 32), shallow.hiddenStates().get(0).getShape());
        assertEquals(new Shape(2, 20, 32), shallow.hiddenStates().get(1).getShape(), "shallow prompts travel along");
        assertEquals(new Shape(2, 17, 32), shallow.tokens().getShape(), "prompts removed at the end");
        VitOutput deep = built(TINY.withPrompts(new PromptConfig(
                        3, true, PromptConfig.Position.AFTER_CLS, PromptConfig.Init.XAVIER_UNIFORM)))
                .forwardAll(store, images, false);
        assertEquals(new Shape(2, 17, 32), deep.hiddenStates().get(2).getShape(), "deep prompts removed per block");
        VisionTransformer withPrompts = built(TINY.withPrompts(PromptConfig.deep(5)));
        assertEquals(new Shape(2, 5, 32), withPrompts.promptTokens().orElseThrow().getShape(), "one set per block");
    }

    @Test
    void anyPatchSizeAndImageSizeGiveTheExpectedShapes() {
        ParameterStore store = new ParameterStore(manager, false);
        for (int[] sizes : new int[][] {{32, 8}, {24, 6}, {32, 16}, {28, 7}}) {
            VitConfig config = VitConfig.of(sizes[0], sizes[1], 24, 1, 3, 0);
            VitOutput out = built(config).forwardAll(store, manager.ones(new Shape(1, 3, sizes[0], sizes[0])), false);
            int n = (sizes[0] / sizes[1]) * (sizes[0] / sizes[1]);
            assertEquals(new Shape(1, n + 1, 24), out.tokens().getShape());
            assertEquals(new Shape(1, 24), out.pooled().getShape());
            assertTrue(out.logits().isEmpty());
        }
    }

    @Test
    void wrongImageSizeIsAClearError() {
        VisionTransformer vit = built(TINY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> vit.forwardAll(new ParameterStore(manager, false), manager.ones(new Shape(1, 3, 32, 32)), false));
        assertTrue(e.getMessage().contains("(batch, 3, 16, 16)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VitConfig.of(30, 4, 32, 1, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> VitConfig.of(32, 4, 30, 1, 4, 0));
    }

    @Test
    void positionEmbeddingResamplingMatchesTorchInterpolate() {
        GoldenFile golden = GoldenFile.load(manager, "pos_embed_resample.safetensors");
        NDArray pos = golden.get("input.pos_embed");
        for (int size : new int[] {6, 3}) {
            for (PositionEmbeddingResampler.Interpolation mode : PositionEmbeddingResampler.Interpolation.values()) {
                for (boolean aa : new boolean[] {true, false}) {
                    NDArray out = PositionEmbeddingResampler.resample(
                            pos, 1, 4, 4, size, size, new PositionEmbeddingResampler.Mode(mode, aa));
                    String key = "output." + mode.name().toLowerCase() + "." + (aa ? "aa" : "noaa") + "." + size;
                    assertClose(golden.get(key), out, 1e-5f, key);
                }
            }
        }
    }

    @Test
    void loadingAPositionEmbeddingOfAnotherGridResamplesIt() {
        NDArray pos = GoldenFile.load(manager, "pos_embed_resample.safetensors").get("input.pos_embed");
        VisionTransformer vit = built(VitConfig.of(24, 4, 8, 1, 2, 0)); // grid 6 from a grid-4 embedding
        vit.loadPositionEmbedding(pos, PositionEmbeddingResampler.TIMM_DEFAULT);
        NDArray expected = GoldenFile.load(manager, "pos_embed_resample.safetensors").get("output.bicubic.aa.6");
        assertClose(expected, vit.posEmbed().getArray(), 1e-5f, "pos_embed");
    }

    @Test
    void backwardReachesEveryParameter() {
        VisionTransformer vit = built(TINY.withSsf(true).withAdapter(AdapterConfig.safeDefaults()));
        // A non-zero up-projection, so that the adapter's down-projection receives gradient too.
        vit.blocks().forEach(b -> b.adapter().orElseThrow().up().weight().getArray().addi(0.1f));
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray out = vit.forward(new ParameterStore(manager, false),
                    new ai.djl.ndarray.NDList(manager.randomNormal(new Shape(2, 3, 16, 16))), true).singletonOrThrow();
            collector.backward(out.square().sum());
        }
        for (Map.Entry<String, Parameter> e : ParameterNames.of(vit).entrySet()) {
            NDArray grad = e.getValue().getArray().getGradient();
            assertNotNull(grad, e.getKey());
            assertTrue(grad.abs().sum().getFloat() > 0, "no gradient reached " + e.getKey());
        }
    }

    @Test
    void djlParameterFilesRoundTrip() throws Exception {
        VitConfig config = TINY.withSsf(true).withPrompts(PromptConfig.deep(2));
        VisionTransformer vit = built(config);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        vit.saveParameters(new java.io.DataOutputStream(bytes));
        VisionTransformer copy = new VisionTransformer(config);
        copy.loadParameters(manager, new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
        NDArray images = manager.randomNormal(new Shape(1, 3, 16, 16));
        ParameterStore store = new ParameterStore(manager, false);
        assertClose(vit.forwardAll(store, images, false).pooled(), copy.forwardAll(store, images, false).pooled(), 0f,
                "pooled after DJL save/load");
    }

    @Test
    void backboneViewListsBlockOutputs() {
        VisionTransformer vit = built(TINY);
        var features = vit.features(new ParameterStore(manager, false), manager.ones(new Shape(2, 3, 16, 16)), false);
        assertEquals(List.of("blocks.0", "blocks.1"), vit.stageNames());
        assertEquals(new Shape(2, 32), features.pooled().getShape());
        assertEquals(new Shape(2, 17, 32), features.stage("blocks.1").getShape());
        assertEquals(32, vit.featureDim());
    }
}
