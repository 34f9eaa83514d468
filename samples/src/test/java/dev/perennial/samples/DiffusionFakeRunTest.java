package dev.perennial.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.api.Perennial;
import dev.perennial.models.cnn.ResNet;
import dev.perennial.models.cnn.ResNetConfig;
import dev.perennial.models.diffusion.AutoencoderKL;
import dev.perennial.models.diffusion.AutoencoderKLConfig;
import dev.perennial.models.diffusion.Diffusers;
import dev.perennial.models.diffusion.UNet2DConditionConfig;
import dev.perennial.models.diffusion.UNet2DConditionModel;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.models.io.TensorSource;
import dev.perennial.spi.Distiller;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginKind;
import dev.perennial.spi.ScenarioInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DiffusionFake in the shared loop (issue #24): {@code perennial run} of the plugin's sample
 * {@code plugins/deepfake/samples/diffusionfake.yaml} (cut to 2 steps) with the {@code synthetic-swaps} data set
 * (face swaps with their source and target faces as inputs), the {@code deepfake-detector} learner (a tiny ResNet
 * returning its {@code layer4} map as {@code feature_map}) and the {@code diffusionfake} distiller over a tiny
 * random frozen UNet / VAE written to a temporary diffusers directory, 2 steps. Every step's metrics hold the four
 * DiffusionFake terms; the generator's files are untouched; the checkpoint's learner part is the ResNet alone and
 * the distiller part holds the training-only head, no generator tensor.
 */
class DiffusionFakeRunTest {
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
    private static final List<String> TERMS = List.of("diffusionfake-rec-source", "diffusionfake-rec-target",
            "diffusionfake-weight-source", "diffusionfake-weight-target");

    @Test
    void theDetectorTrainsWithTheHeadAndItsCheckpointHoldsNoGeneratorTensor(@TempDir Path dir) throws Exception {
        Path unetDir = Files.createDirectories(dir.resolve("gen/unet"));
        Path vaeDir = Files.createDirectories(dir.resolve("gen/vae"));
        try (NDManager m = NDManager.newBaseManager()) {
            Files.writeString(unetDir.resolve("config.json"), UNET);
            UNet2DConditionModel unet = new UNet2DConditionModel(UNet2DConditionConfig.parse(UNET, "unet"));
            unet.initialize(m, DataType.FLOAT32);
            Checkpoints.save(unet, unetDir.resolve(Diffusers.WEIGHTS));
            Files.writeString(vaeDir.resolve("config.json"), VAE);
            AutoencoderKL vae = new AutoencoderKL(AutoencoderKLConfig.parse(VAE, "vae"));
            vae.initialize(m, DataType.FLOAT32);
            Checkpoints.save(vae, vaeDir.resolve(Diffusers.WEIGHTS));
        }
        byte[] unetBytes = Files.readAllBytes(unetDir.resolve(Diffusers.WEIGHTS));
        Path experiment = Path.of("../plugins/deepfake/samples/diffusionfake.yaml");
        assertTrue(Files.isRegularFile(experiment), experiment.toAbsolutePath() + " (the plugin's sample)");
        Path runs = dir.resolve("runs");
        // The plugin's sample as written, on this test's generator and cut to 8 training frames, 2 steps.
        PluginCheckTest.Result r = PluginCheckTest.cli("run", experiment.toString(), "--run-dir", runs.toString(),
                "--set", "distillers.0.config.unet=" + unetDir, "--set", "distillers.0.config.vae=" + vaeDir,
                "--set", "dataset.config.trainVideos=4", "--set", "dataset.config.testVideos=2",
                "--set", "dataset.config.framesPerVideo=2", "--set", "dataset.config.seed=5",
                "--set", "training.epochs=1", "--set", "training.batchSize=4", "--set", "training.logEverySteps=1",
                "--set", "training.dataWorkers=1");
        assertEquals(0, r.status(), r.out() + r.err());

        List<Path> logs;
        try (Stream<Path> s = Files.walk(runs)) {
            logs = s.filter(p -> p.getFileName().toString().equals("metrics.jsonl")).toList();
        }
        assertEquals(1, logs.size(), "one run folder: " + logs);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> steps = new ArrayList<>();
        for (String line : Files.readAllLines(logs.get(0))) {
            JsonNode n = json.readTree(line);
            if (n.has("terms") && n.get("terms").has("ce")) {
                steps.add(n.get("terms"));
            }
        }
        assertEquals(2, steps.size(), "8 training frames in batches of 4: " + steps);
        for (JsonNode terms : steps) {
            for (String t : TERMS) {
                assertTrue(terms.has(t) && Double.isFinite(terms.get(t).asDouble()) && terms.get(t).asDouble() >= 0,
                        t + " in " + terms);
            }
        }
        assertTrue(java.util.Arrays.equals(unetBytes, Files.readAllBytes(unetDir.resolve(Diffusers.WEIGHTS))));

        Path model;
        try (Stream<Path> s = Files.walk(logs.get(0).getParent().resolve("checkpoints"))) {
            model = s.filter(p -> p.getFileName().toString().equals("model.safetensors")).findFirst().orElseThrow();
        }
        Set<String> learner = new HashSet<>();
        Set<String> distiller = new HashSet<>();
        try (TensorSource saved = Checkpoints.open(model)) {
            for (String name : saved.names()) {
                if (name.startsWith("learner/")) {
                    learner.add(name.substring("learner/".length()));
                } else {
                    assertTrue(name.startsWith("distiller-diffusionfake/"), name);
                    distiller.add(name.substring("distiller-diffusionfake/".length()));
                }
            }
        }
        // The detector's part is exactly a ResNet of the sample's shape (2 classes); the distiller's part is exactly
        // the head that diffusionfake trains (no generator or autoencoder tensor: they are not in its block).
        ResNet detector = new ResNet(new ResNetConfig(ResNetConfig.Block.BASIC, List.of(1, 1, 1, 1), 4, 2, true, 3));
        assertEquals(Set.copyOf(detector.getParameters().keys()), learner);
        try (NDManager m = NDManager.newBaseManager()) {
            JsonNode config = json.readTree("""
                    {"unet": "%s", "vae": "%s", "featureChannels": 32, "latentSize": 8, "upsamplings": 2,
                     "filterChannels": 8, "heads": 4, "weightChannels": [16, 8], "weightHidden": 8,
                     "timesteps": 100, "betaStart": 0.0001, "betaEnd": 0.02, "betaSchedule": "linear"}
                    """.formatted(unetDir, vaeDir));
            Distiller d = Perennial.plugins(List.of()).create(PluginKind.DISTILLER, "diffusionfake", config,
                    new Context(m, dir), "test");
            Block head = d.trainable().orElseThrow();
            assertEquals(Set.copyOf(head.getParameters().keys()), distiller);
        }
    }

    private record Context(NDManager manager, Path workDirectory) implements PluginContext {
        @Override
        public String pluginName() {
            return "diffusionfake";
        }

        @Override
        public Device device() {
            return manager.getDevice();
        }

        @Override
        public long seed() {
            return 3;
        }

        @Override
        public Optional<ScenarioInfo> scenario() {
            return Optional.empty();
        }
    }
}
