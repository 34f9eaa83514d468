package dev.perennial.models.io;

import static dev.perennial.models.nn.GoldenFile.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.perennial.models.vit.VisionTransformer;
import dev.perennial.models.vit.VitConfig;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 item 4: a torchvision {@code VisionTransformer} checkpoint (tools/goldens/naming_goldens.py, random
 * weights) and the same weights under Hugging Face ViT names load into the timm-named ViT and give torchvision's
 * logits.
 */
class CheckpointNamingTest {
    private static final VitConfig TINY = new VitConfig(32, 8, 3, 48, 2, 3, 2.0, true, 10, 1e-6f, Optional.empty(),
            false, Optional.empty());

    private static Path golden() throws URISyntaxException {
        return Path.of(CheckpointNamingTest.class.getResource("/goldens/naming/torchvision_vit_tiny.safetensors")
                .toURI());
    }

    private static NDArray logits(NDManager manager, TensorSource source, NDArray input) throws IOException {
        VisionTransformer vit = new VisionTransformer(TINY);
        vit.initialize(manager, DataType.FLOAT32);
        LoadReport report = WeightLoader.strict().ignoring("^__").load(source, vit);
        assertTrue(report.toString().length() > 0);
        return vit.forwardAll(new ParameterStore(manager, false), input, false).logits().orElseThrow();
    }

    @Test
    void torchvisionVitLoadsWithTheTorchvisionMapAndGivesTorchvisionLogits() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                TensorSource file = Checkpoints.open(golden())) {
            assertTrue(file.names().contains("encoder.layers.encoder_layer_1.self_attention.in_proj_weight"));
            NDArray input = file.read("__input", manager);
            NDArray expected = file.read("__logits", manager);
            TensorSource view = CheckpointNaming.TORCHVISION.view(file, CheckpointNaming.Architecture.VIT);
            assertClose(expected, logits(manager, view, input), 2e-5f, "torchvision logits");
            assertThrows(WeightLoadException.class, () -> logits(manager, file, input),
                    "without the map the names do not match");
        }
    }

    @Test
    void hfVitNamesWithSeparateQueryKeyValueAreFusedOnLoad() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                TensorSource file = Checkpoints.open(golden())) {
            NDArray input = file.read("__input", manager);
            NDArray expected = file.read("__logits", manager);
            // The same weights under ViTForImageClassification names, written here from torchvision's layout.
            Map<String, NDArray> hf = new LinkedHashMap<>();
            hf.put("vit.embeddings.cls_token", file.read("class_token", manager));
            hf.put("vit.embeddings.position_embeddings", file.read("encoder.pos_embedding", manager));
            hf.put("vit.embeddings.patch_embeddings.projection.weight", file.read("conv_proj.weight", manager));
            hf.put("vit.embeddings.patch_embeddings.projection.bias", file.read("conv_proj.bias", manager));
            for (int i = 0; i < 2; i++) {
                String tv = "encoder.layers.encoder_layer_" + i + ".";
                String h = "vit.encoder.layer." + i + ".";
                hf.put(h + "layernorm_before.weight", file.read(tv + "ln_1.weight", manager));
                hf.put(h + "layernorm_before.bias", file.read(tv + "ln_1.bias", manager));
                NDArray w = file.read(tv + "self_attention.in_proj_weight", manager);
                NDArray b = file.read(tv + "self_attention.in_proj_bias", manager);
                String[] qkv = {"query", "key", "value"};
                for (int k = 0; k < 3; k++) {
                    hf.put(h + "attention.attention." + qkv[k] + ".weight",
                            w.get(new NDIndex("{}:{}", 48 * k, 48 * (k + 1))));
                    hf.put(h + "attention.attention." + qkv[k] + ".bias",
                            b.get(new NDIndex("{}:{}", 48 * k, 48 * (k + 1))));
                }
                hf.put(h + "attention.output.dense.weight", file.read(tv + "self_attention.out_proj.weight", manager));
                hf.put(h + "attention.output.dense.bias", file.read(tv + "self_attention.out_proj.bias", manager));
                hf.put(h + "layernorm_after.weight", file.read(tv + "ln_2.weight", manager));
                hf.put(h + "layernorm_after.bias", file.read(tv + "ln_2.bias", manager));
                hf.put(h + "intermediate.dense.weight", file.read(tv + "mlp.0.weight", manager));
                hf.put(h + "intermediate.dense.bias", file.read(tv + "mlp.0.bias", manager));
                hf.put(h + "output.dense.weight", file.read(tv + "mlp.3.weight", manager));
                hf.put(h + "output.dense.bias", file.read(tv + "mlp.3.bias", manager));
            }
            hf.put("vit.layernorm.weight", file.read("encoder.ln.weight", manager));
            hf.put("vit.layernorm.bias", file.read("encoder.ln.bias", manager));
            hf.put("classifier.weight", file.read("heads.head.weight", manager));
            hf.put("classifier.bias", file.read("heads.head.bias", manager));
            TensorSource view = CheckpointNaming.HF.view(TensorSource.of(hf), CheckpointNaming.Architecture.VIT);
            assertEquals(new ai.djl.ndarray.types.Shape(144, 48), view.shape("blocks.1.attn.qkv.weight"));
            assertClose(expected, logits(manager, view, input), 2e-5f, "hf logits");
        }
    }

    /** torchvision ResNet names → HF ResNetForImageClassification names, written out here by hand. */
    private static String hfResNet(String tv) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^layer(\\d)\\.(\\d+)\\.(conv|bn)(\\d)\\.(.+)$")
                .matcher(tv);
        if (m.matches()) {
            return "resnet.encoder.stages." + (Integer.parseInt(m.group(1)) - 1) + ".layers." + m.group(2) + ".layer."
                    + (Integer.parseInt(m.group(4)) - 1) + "." + (m.group(3).equals("conv") ? "convolution"
                            : "normalization") + "." + m.group(5);
        }
        m = java.util.regex.Pattern.compile("^layer(\\d)\\.(\\d+)\\.downsample\\.([01])\\.(.+)$").matcher(tv);
        if (m.matches()) {
            return "resnet.encoder.stages." + (Integer.parseInt(m.group(1)) - 1) + ".layers." + m.group(2)
                    + ".shortcut." + (m.group(3).equals("0") ? "convolution" : "normalization") + "." + m.group(4);
        }
        return tv.replaceAll("^conv1\\.", "resnet.embedder.embedder.convolution.")
                .replaceAll("^bn1\\.", "resnet.embedder.embedder.normalization.")
                .replaceAll("^fc\\.", "classifier.1.");
    }

    @Test
    void hfResNetNamesLoadIntoTheTorchvisionNamedResNet() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            dev.perennial.models.cnn.ResNetConfig config = dev.perennial.models.cnn.ResNetConfig.resnet50(4)
                    .withBaseWidth(4);
            ai.djl.ndarray.types.Shape input = new ai.djl.ndarray.types.Shape(1, 3, 32, 32);
            dev.perennial.models.cnn.ResNet source = new dev.perennial.models.cnn.ResNet(config);
            source.initialize(manager, DataType.FLOAT32, input);
            Map<String, NDArray> hf = new LinkedHashMap<>();
            dev.perennial.models.ParameterNames.of(source).forEach((n, p) -> hf.put(hfResNet(n), p.getArray()));
            assertTrue(hf.containsKey("resnet.encoder.stages.1.layers.0.shortcut.convolution.weight"), "" + hf.keySet());
            assertTrue(hf.containsKey("resnet.encoder.stages.3.layers.2.layer.2.normalization.running_var"));
            dev.perennial.models.cnn.ResNet target = new dev.perennial.models.cnn.ResNet(config);
            target.initialize(manager, DataType.FLOAT32, input);
            WeightLoader.strict().load(CheckpointNaming.HF.view(TensorSource.of(hf),
                    CheckpointNaming.Architecture.RESNET), target);
            Map<String, ai.djl.nn.Parameter> loaded = dev.perennial.models.ParameterNames.of(target);
            dev.perennial.models.ParameterNames.of(source).forEach((n, p) ->
                    assertTrue(p.getArray().contentEquals(loaded.get(n).getArray()), n));
        }
    }

    @Test
    void unknownNamingsAndPairsWithoutABuiltInMapAreClearErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CheckpointNaming.parse("pytorch", "backbone.nameMap"));
        assertEquals("backbone.nameMap 'pytorch' is not a known naming; accepted: timm, torchvision, hf (or leave it "
                + "empty for the architecture's own names)", e.getMessage());
        assertEquals(Optional.empty(), CheckpointNaming.parse("", "f"));
        e = assertThrows(IllegalArgumentException.class,
                () -> CheckpointNaming.HF.check(CheckpointNaming.Architecture.MOBILENET_V2));
        CheckpointNaming.HF.check(CheckpointNaming.Architecture.RESNET);
        assertEquals("nameMap 'hf' has no built-in map for mobilenet-v2; accepted: torchvision", e.getMessage());
        CheckpointNaming.TIMM.check(CheckpointNaming.Architecture.RESNET);
        CheckpointNaming.TORCHVISION.check(CheckpointNaming.Architecture.RESNET);
    }
}
