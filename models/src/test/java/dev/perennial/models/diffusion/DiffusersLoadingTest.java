package dev.perennial.models.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.io.CheckpointException;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.models.io.SafetensorsWriter;
import dev.perennial.models.io.TensorSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strict loading of diffusers directories, their error messages, and the configuration checks. */
class DiffusersLoadingTest {
    @TempDir
    Path tmp;

    @Test
    void missingAndMisShapedTensorsAreNamedOnOneLine() throws IOException {
        Path src = DiffusionGoldenTest.DIR.resolve("unet_tiny");
        Path dir = Files.createDirectories(tmp.resolve("unet"));
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        String dropped = "mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight";
        String reshaped = "up_blocks.1.resnets.1.conv_shortcut.bias";
        try (NDManager m = NDManager.newBaseManager();
                TensorSource golden = Checkpoints.open(src.resolve(Diffusers.WEIGHTS))) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (String name : golden.names()) {
                NDArray a = golden.read(name, m);
                if (name.equals(dropped)) {
                    continue;
                }
                tensors.put(name, name.equals(reshaped) ? m.zeros(new Shape(a.getShape().get(0) + 1)) : a);
            }
            SafetensorsWriter.write(dir.resolve(Diffusers.WEIGHTS), tensors);
            CheckpointException e = assertThrows(CheckpointException.class, () -> Diffusers.loadUnet(dir, m));
            String msg = e.getMessage();
            assertFalse(msg.contains("\n"), msg);
            assertTrue(msg.contains("1 missing [" + dropped + "]"), msg);
            assertTrue(msg.contains("0 unexpected []"), msg);
            assertTrue(msg.contains("1 mis-shaped [" + reshaped + ": block expects (16), checkpoint has (17)]"), msg);
            assertTrue(msg.contains(Diffusers.WEIGHTS) && msg.contains("UNet2DConditionModel"), msg);
        }
    }

    @Test
    void legacyVaeAttentionNamesLoad() throws IOException {
        Path src = DiffusionGoldenTest.DIR.resolve("vae_tiny");
        Path dir = Files.createDirectories(tmp.resolve("vae"));
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        try (NDManager m = NDManager.newBaseManager();
                TensorSource golden = Checkpoints.open(src.resolve(Diffusers.WEIGHTS))) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (String name : golden.names()) {
                String old = name.replace("attentions.0.to_q.", "attentions.0.query.")
                        .replace("attentions.0.to_k.", "attentions.0.key.")
                        .replace("attentions.0.to_v.", "attentions.0.value.")
                        .replace("attentions.0.to_out.0.", "attentions.0.proj_attn.");
                tensors.put(old, golden.read(name, m));
            }
            assertTrue(tensors.containsKey("encoder.mid_block.attentions.0.proj_attn.weight"));
            SafetensorsWriter.write(dir.resolve(Diffusers.WEIGHTS), tensors);
            AutoencoderKL vae = Diffusers.loadVae(dir, m);
            NDArray expected = golden.read("decoder.mid_block.attentions.0.to_out.0.weight", m);
            NDArray loaded = ParameterNames.of(vae).get("decoder.mid_block.attentions.0.to_out.0.weight").getArray();
            assertEquals(0f, expected.sub(loaded).abs().max().getFloat());
        }
    }

    @Test
    void aStableDiffusionUnetHasTheDiffusersNamesAndShapes() {
        // SD-1.5's unet/config.json (the fields that matter); only names and shapes are built, not initialised.
        String json = """
                {"_class_name": "UNet2DConditionModel", "act_fn": "silu", "attention_head_dim": 8,
                 "block_out_channels": [320, 640, 1280, 1280], "center_input_sample": false,
                 "cross_attention_dim": 768,
                 "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D",
                                      "DownBlock2D"],
                 "downsample_padding": 1, "flip_sin_to_cos": true, "freq_shift": 0, "in_channels": 4,
                 "layers_per_block": 2, "mid_block_scale_factor": 1, "norm_eps": 1e-05, "norm_num_groups": 32,
                 "out_channels": 4, "sample_size": 64,
                 "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"]}
                """;
        UNet2DConditionConfig c = UNet2DConditionConfig.parse(json, "unet/config.json");
        assertEquals(List.of(8, 8, 8, 8), c.attentionHeads());
        UNet2DConditionModel unet = new UNet2DConditionModel(c);
        var params = ParameterNames.of(unet);
        // 686 tensors, 859,520,964 parameters: the published size of the SD-1.5 UNet.
        assertEquals(686, params.size());
        long count = params.values().stream().mapToLong(p -> p.getShape().size()).sum();
        assertEquals(859_520_964L, count);
        assertEquals(new Shape(1280, 768),
                params.get("down_blocks.2.attentions.1.transformer_blocks.0.attn2.to_k.weight").getShape());
        assertEquals(new Shape(10240, 1280),
                params.get("mid_block.attentions.0.transformer_blocks.0.ff.net.0.proj.weight").getShape());
        assertEquals(new Shape(640, 1920, 3, 3), params.get("up_blocks.2.resnets.0.conv1.weight").getShape());
        assertEquals(new Shape(320, 960, 1, 1), params.get("up_blocks.3.resnets.0.conv_shortcut.weight").getShape());
        assertTrue(params.containsKey("up_blocks.2.upsamplers.0.conv.weight"));
        assertFalse(params.containsKey("up_blocks.3.upsamplers.0.conv.weight"));
    }

    @Test
    void unsupportedConfigurationsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UNet2DConditionConfig.parse("{\"class_embed_type\": \"timestep\"}", "unet/config.json"));
        assertEquals("unet/config.json: field class_embed_type is \"timestep\"; only null/absent is supported",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> UNet2DConditionConfig.parse(
                "{\"block_out_channels\": [32, 64], \"down_block_types\": [\"CrossAttnDownBlock2D\", "
                        + "\"SimpleCrossAttnDownBlock2D\"], \"up_block_types\": [\"UpBlock2D\", \"UpBlock2D\"],"
                        + " \"norm_num_groups\": 8, \"attention_head_dim\": 2}", "x.json"));
        assertTrue(e.getMessage().contains("SimpleCrossAttnDownBlock2D")
                && e.getMessage().contains("accepted: CrossAttnDownBlock2D, DownBlock2D"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AutoencoderKLConfig.parse("{\"block_out_channels\": [32, \"a\"]}", "vae/config.json"));
        assertTrue(e.getMessage().startsWith("vae/config.json: field block_out_channels must be a list of positive"),
                e.getMessage());
    }
}
