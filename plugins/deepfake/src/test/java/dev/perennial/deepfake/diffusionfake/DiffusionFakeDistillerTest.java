package dev.perennial.deepfake.diffusionfake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.perennial.deepfake.TestStep;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.diffusion.AutoencoderKL;
import dev.perennial.models.diffusion.AutoencoderKLConfig;
import dev.perennial.models.diffusion.Diffusers;
import dev.perennial.models.diffusion.UNet2DConditionConfig;
import dev.perennial.models.diffusion.UNet2DConditionModel;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Distiller;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.ScenarioInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code diffusionfake} distiller built by its provider from diffusers directories written by the test. */
class DiffusionFakeDistillerTest {
    private static final String UNET = """
            {"block_out_channels": [8, 16], "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"],
             "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"], "layers_per_block": 1,
             "norm_num_groups": 4, "attention_head_dim": 2, "cross_attention_dim": 8, "sample_size": 8}
            """;
    private static final String VAE = """
            {"block_out_channels": [8, 16], "layers_per_block": 1, "latent_channels": 4, "norm_num_groups": 4,
             "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D"],
             "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D"], "scaling_factor": 0.18215}
            """;

    @TempDir
    Path tmp;

    private DiffusionFakeConfig config(NDManager m) throws IOException {
        Path unetDir = Files.createDirectories(tmp.resolve("unet"));
        Files.writeString(unetDir.resolve("config.json"), UNET);
        UNet2DConditionModel unet = new UNet2DConditionModel(UNet2DConditionConfig.parse(UNET, "unet"));
        unet.initialize(m, DataType.FLOAT32);
        Checkpoints.save(unet, unetDir.resolve(Diffusers.WEIGHTS));
        Path vaeDir = Files.createDirectories(tmp.resolve("vae"));
        Files.writeString(vaeDir.resolve("config.json"), VAE);
        AutoencoderKL vae = new AutoencoderKL(AutoencoderKLConfig.parse(VAE, "vae"));
        vae.initialize(m, DataType.FLOAT32);
        Checkpoints.save(vae, vaeDir.resolve(Diffusers.WEIGHTS));
        return new DiffusionFakeConfig(unetDir.toString(), vaeDir.toString(), "feature_map", "image", "source",
                "target", 16, 8, 2, 8, 4, List.of(16, 8), 8, 100, 1e-4, 0.02, "linear", 1.0, 1.0);
    }

    private static PluginContext context(NDManager m, Path dir) {
        return new PluginContext() {
            @Override
            public String pluginName() {
                return "diffusionfake";
            }

            @Override
            public NDManager manager() {
                return m;
            }

            @Override
            public Device device() {
                return Device.cpu();
            }

            @Override
            public long seed() {
                return 3;
            }

            @Override
            public Path workDirectory() {
                return dir;
            }

            @Override
            public Optional<ScenarioInfo> scenario() {
                return Optional.empty();
            }
        };
    }

    private static NDArray named(NDArray a, String name) {
        a.setName(name);
        return a;
    }

    @Test
    void fourNamedTermsAndTheGeneratorStaysOutOfTheTrainableBlock() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            DiffusionFakeConfig config = config(m);
            Distiller d = new DiffusionFakeProvider().create(config, context(m, tmp));
            NDArray image = named(m.randomUniform(-1, 1, new Shape(2, 3, 16, 16)), "image");
            Batch batch = new Batch(new NDList(image, named(image.duplicate(), "source"),
                    named(m.randomUniform(-1, 1, new Shape(2, 3, 16, 16)), "target")),
                    Optional.of(m.zeros(new Shape(2), DataType.INT64)), Optional.empty(), new long[] {0, 1}, 0,
                    Map.of());
            LossTerms student = LossTerms.none().withOutput("feature_map", m.randomNormal(new Shape(2, 16, 2, 2)));
            LossTerms terms = d.loss(batch, student, new TestStep(m, 1, 0.1));
            assertEquals(java.util.Set.of("diffusionfake-rec-source", "diffusionfake-rec-target",
                    "diffusionfake-weight-source", "diffusionfake-weight-target"), terms.terms().keySet());
            for (NDArray v : terms.terms().values()) {
                assertTrue(Float.isFinite(v.getFloat()) && v.getFloat() >= 0);
            }
            Map<String, Parameter> trainable = ParameterNames.of(d.trainable().orElseThrow());
            Map<String, Parameter> generator = ParameterNames.of(((DiffusionFakeDistiller) d).head().generator());
            assertTrue(trainable.values().stream().noneMatch(generator::containsValue));
            assertTrue(generator.values().stream().noneMatch(Parameter::requiresGradient));

            LossTerms noMap = LossTerms.none().withOutput("logits", m.zeros(new Shape(2, 1)));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> d.loss(batch, noMap, new TestStep(m, 2, 0.1)));
            assertTrue(e.getMessage().contains("'feature_map'") && e.getMessage().contains("logits"), e.getMessage());
        }
    }

    @Test
    void missingGeneratorDirectoriesAreNamed() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new DiffusionFakeProvider().create(DiffusionFakeConfig.defaults(), context(m, tmp)));
            assertTrue(e.getMessage().contains("'unet' and 'vae'"), e.getMessage());
        }
    }
}
