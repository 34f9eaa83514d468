package dev.perennial.continual.ptm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.io.SafetensorsWriter;
import dev.perennial.models.vit.VisionTransformer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 19 item 4: {@code backbone.nameMap: torchvision} loads a torchvision-named ViT checkpoint. */
class BackboneNameMapTest {
    @TempDir
    Path dir;

    /** timm → torchvision vit_b_16 names, written out here independently of the loader's rules. */
    private static String torchvision(String timm) {
        return timm.replace("cls_token", "class_token")
                .replace("pos_embed", "encoder.pos_embedding")
                .replace("patch_embed.proj.", "conv_proj.")
                .replaceAll("^blocks\\.(\\d+)\\.", "encoder.layers.encoder_layer_$1.")
                .replace(".norm1.", ".ln_1.")
                .replace(".norm2.", ".ln_2.")
                .replace(".attn.qkv.weight", ".self_attention.in_proj_weight")
                .replace(".attn.qkv.bias", ".self_attention.in_proj_bias")
                .replace(".attn.proj.", ".self_attention.out_proj.")
                .replace(".mlp.fc1.", ".mlp.0.")
                .replace(".mlp.fc2.", ".mlp.3.")
                .replaceAll("^norm\\.", "encoder.ln.");
    }

    @Test
    void aTorchvisionNamedCheckpointLoadsWithNameMapTorchvision() throws Exception {
        Path file = dir.resolve("vit_b_16-layout.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            PtmBackboneConfig timm = TinyPtm.backbone(file.toString(), "adapter");
            VisionTransformer source = new VisionTransformer(timm.vitConfig(false));
            source.initialize(manager, DataType.FLOAT32, new Shape(1, 3, TinyPtm.SIZE, TinyPtm.SIZE));
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            ParameterNames.of(source).forEach((name, p) -> tensors.put(torchvision(name), p.getArray()));
            assertTrue(tensors.containsKey("encoder.layers.encoder_layer_0.self_attention.in_proj_weight"));
            SafetensorsWriter.write(file, tensors);

            VisionTransformer target = new VisionTransformer(timm.vitConfig(false));
            target.initialize(manager, DataType.FLOAT32, new Shape(1, 3, TinyPtm.SIZE, TinyPtm.SIZE));
            assertThrows(dev.perennial.models.io.WeightLoadException.class,
                    () -> timm.loadPretrained(target, "simplecil"), "under timm names the file does not fit");

            timm.withNameMap("torchvision").loadPretrained(target, "simplecil");
            Map<String, Parameter> loaded = ParameterNames.of(target);
            int n = 0;
            for (Map.Entry<String, Parameter> p : ParameterNames.of(source).entrySet()) {
                assertTrue(p.getValue().getArray().contentEquals(loaded.get(p.getKey()).getArray()), p.getKey());
                n++;
            }
            assertEquals(loaded.size(), n);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> timm.withNameMap("keras"));
            assertTrue(e.getMessage().startsWith("backbone.nameMap 'keras' is not a known naming"), e.getMessage());
        }
    }
}
