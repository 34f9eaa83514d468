package dev.perennial.deepfake.diffusionfake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import dev.perennial.deepfake.TestStep;
import dev.perennial.deepfake.synthetic.SyntheticFaces;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.diffusion.AutoencoderKL;
import dev.perennial.models.diffusion.AutoencoderKLConfig;
import dev.perennial.models.diffusion.Diffusers;
import dev.perennial.models.diffusion.UNet2DConditionConfig;
import dev.perennial.models.diffusion.UNet2DConditionModel;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.models.io.TensorSource;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Distiller;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.ScenarioInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DiffusionFake in training (issue #24): a tiny CNN detector whose learner output {@code feature_map} is its last
 * convolution stage, the {@code diffusionfake} distiller built by its provider from a tiny random frozen UNet / VAE
 * written to a temporary diffusers directory, and face swaps of {@link SyntheticFaces#generateSwaps} with their
 * source and target faces as batch inputs. The test plays the shared loop's part (one gradient collector per step,
 * learner terms + distiller terms summed, one SGD step over the learner's and the distiller's trainable parameters)
 * for two steps: the four DiffusionFake terms are reported every step, the frozen generator and autoencoder are
 * bit-identical afterwards while the head and the detector moved, and the exported detector holds exactly the
 * detector's tensors.
 */
class DiffusionFakeTrainingTest {
    private static final int SIZE = 16;
    private static final int BATCH = 4;
    private static final Set<String> TERMS = Set.of("diffusionfake-rec-source", "diffusionfake-rec-target",
            "diffusionfake-weight-source", "diffusionfake-weight-target");
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

    @Test
    void twoStepsReportTheFourTermsKeepTheGeneratorFrozenAndExportOnlyTheDetector() throws Exception {
        SyntheticFaces faces = new SyntheticFaces(SIZE);
        List<SyntheticFaces.Sample> data = faces.generateSwaps(4, 2, 0.5, 0.5, "df", 11);
        assertTrue(data.stream().anyMatch(SyntheticFaces.Sample::fake) && !data.stream()
                .allMatch(SyntheticFaces.Sample::fake), "the two batches need swaps and reals");
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            writeGenerator(m);
            DiffusionFakeConfig config = new DiffusionFakeConfig(tmp.resolve("unet").toString(),
                    tmp.resolve("vae").toString(), "feature_map", "image", "source", "target", 16, 8, 1, 8, 4,
                    List.of(16, 8), 8, 100, 1e-4, 0.02, "linear", 1.0, 1.0);
            DiffusionFakeDistiller distiller = (DiffusionFakeDistiller) new DiffusionFakeProvider()
                    .create(config, context(m));

            // The detector: encoder (feature map 16 x 4 x 4) and classifier (GAP + linear), one block for export.
            SequentialBlock encoder = new SequentialBlock()
                    .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(8)
                            .build())
                    .add(Activation.reluBlock())
                    .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                    .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(16)
                            .build())
                    .add(Activation.reluBlock())
                    .add(Pool.maxPool2dBlock(new Shape(2, 2)));
            SequentialBlock classifier = new SequentialBlock()
                    .add(Pool.globalAvgPool2dBlock())
                    .add(Linear.builder().setUnits(2).build());
            SequentialBlock detector = new SequentialBlock().add(encoder).add(classifier);
            detector.initialize(m, DataType.FLOAT32, new Shape(1, 3, SIZE, SIZE));

            Map<String, float[]> frozenBefore = snapshot(ParameterNames.of(distiller.head().generator()));
            frozenBefore.putAll(prefixed("vae.", snapshot(ParameterNames.of(distiller.vae()))));
            Map<String, float[]> detectorBefore = snapshot(ParameterNames.of(detector));
            Map<String, float[]> headBefore = snapshot(ParameterNames.of(distiller.trainable().orElseThrow()));

            List<Parameter> trainable = new ArrayList<>(detector.getParameters().values());
            trainable.addAll(distiller.trainable().orElseThrow().getParameters().values());
            ParameterStore ps = new ParameterStore(m, false);
            List<Map<String, Float>> report = new ArrayList<>();
            for (int step = 0; step < 2; step++) {
                try (NDManager sm = m.newSubManager()) {
                    List<SyntheticFaces.Sample> rows = data.subList(step * BATCH, step * BATCH + BATCH);
                    NDArray image = images(sm, rows, 0, "image");
                    NDArray labels = sm.create(rows.stream().mapToLong(s -> s.fake() ? 1 : 0).toArray());
                    Batch batch = new Batch(new NDList(image, images(sm, rows, 1, "source"),
                            images(sm, rows, 2, "target")), Optional.of(labels), Optional.empty(),
                            new long[] {0, 1, 2, 3}, 0, Map.of());
                    TestStep context = new TestStep(sm, step, 0.05);
                    Map<String, Float> terms = new LinkedHashMap<>();
                    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                        NDArray map = encoder.forward(ps, new NDList(image), true).singletonOrThrow();
                        NDArray logits = classifier.forward(ps, new NDList(map), true).singletonOrThrow();
                        NDArray ce = Loss.softmaxCrossEntropyLoss().evaluate(new NDList(labels), new NDList(logits));
                        LossTerms learner = LossTerms.of("ce", ce).withOutput("logits", logits)
                                .withOutput("feature_map", map);
                        LossTerms all = learner.plus(distiller.loss(batch, learner, context));
                        NDArray total = null;
                        for (Map.Entry<String, NDArray> e : all.terms().entrySet()) {
                            terms.put(e.getKey(), e.getValue().getFloat());
                            total = total == null ? e.getValue() : total.add(e.getValue());
                        }
                        c.backward(total);
                    }
                    for (Parameter p : trainable) {
                        if (p.requiresGradient()) {
                            NDArray a = p.getArray();
                            a.subi(a.getGradient().mul(0.05f));
                        }
                    }
                    report.add(terms);
                }
            }
            System.out.println("DiffusionFake training terms per step: " + report);
            for (Map<String, Float> terms : report) {
                assertTrue(terms.keySet().containsAll(TERMS), terms.toString());
                for (String t : TERMS) {
                    assertTrue(Float.isFinite(terms.get(t)) && terms.get(t) >= 0, t + " = " + terms.get(t));
                }
            }

            Map<String, float[]> frozenAfter = snapshot(ParameterNames.of(distiller.head().generator()));
            frozenAfter.putAll(prefixed("vae.", snapshot(ParameterNames.of(distiller.vae()))));
            assertEquals(frozenBefore.keySet(), frozenAfter.keySet());
            for (String name : frozenBefore.keySet()) {
                assertArrayEquals(frozenBefore.get(name), frozenAfter.get(name), "frozen " + name + " changed");
            }
            assertTrue(changed(detectorBefore, snapshot(ParameterNames.of(detector))), "the detector did not train");
            assertTrue(changed(headBefore, snapshot(ParameterNames.of(distiller.trainable().orElseThrow()))),
                    "the DiffusionFake head did not train");

            Path file = tmp.resolve("detector.safetensors");
            Checkpoints.save(detector, file);
            long detectorElements = detector.getParameters().values().stream()
                    .mapToLong(p -> p.getArray().size()).sum();
            try (TensorSource saved = Checkpoints.open(file)) {
                assertEquals(ParameterNames.of(detector).keySet(), saved.names());
            }
            long headElements = distiller.trainable().orElseThrow().getParameters().values().stream()
                    .mapToLong(p -> p.getArray().size()).sum();
            assertTrue(headElements > 0);
            Set<Parameter> detectorParams = Set.copyOf(detector.getParameters().values());
            assertFalse(distiller.trainable().orElseThrow().getParameters().values().stream()
                    .anyMatch(detectorParams::contains));
            assertFalse(distiller.head().generator().getParameters().values().stream()
                    .anyMatch(detectorParams::contains));
            assertTrue(detectorElements > 0 && Files.size(file) < detectorElements * 4 + 4096,
                    "the export holds more than the detector: " + Files.size(file) + " bytes");
        }
    }

    @Test
    void swapsCarryTheirSourceAndTargetFacesAndRealsAreTheirOwn() {
        List<SyntheticFaces.Sample> data = new SyntheticFaces(SIZE).generateSwaps(6, 3, 0.5, 0.3, "s", 2);
        int swaps = 0;
        for (SyntheticFaces.Sample s : data) {
            if (!s.fake()) {
                assertArrayEquals(s.image(), s.source());
                assertArrayEquals(s.image(), s.target());
                continue;
            }
            swaps++;
            assertArrayEquals(s.real(), s.target());
            assertFalse(java.util.Arrays.equals(s.source(), s.target()));
            // Outside the face mask the swap is its target; inside it moves toward the source.
            assertEquals(s.target()[0], s.image()[0], 1e-6f);
            int centre = (SIZE / 2) * SIZE + SIZE / 2;
            float expected = s.target()[centre] + (float) s.strength() * (s.source()[centre] - s.target()[centre]);
            assertEquals(expected, s.image()[centre], 0.05f);
        }
        assertTrue(swaps > 0 && swaps < data.size(), "swaps: " + swaps);
    }

    private static NDArray images(NDManager m, List<SyntheticFaces.Sample> rows, int which, String name) {
        int frame = SyntheticFaces.CHANNELS * SIZE * SIZE;
        float[] out = new float[rows.size() * frame];
        for (int i = 0; i < rows.size(); i++) {
            SyntheticFaces.Sample s = rows.get(i);
            float[] src = which == 0 ? s.image() : which == 1 ? s.source() : s.target();
            for (int k = 0; k < frame; k++) {
                out[i * frame + k] = 2 * src[k] - 1;
            }
        }
        NDArray a = m.create(out, new Shape(rows.size(), SyntheticFaces.CHANNELS, SIZE, SIZE));
        a.setName(name);
        return a;
    }

    private static Map<String, float[]> snapshot(Map<String, Parameter> params) {
        Map<String, float[]> out = new HashMap<>();
        params.forEach((k, v) -> out.put(k, v.getArray().toFloatArray()));
        return out;
    }

    private static Map<String, float[]> prefixed(String prefix, Map<String, float[]> in) {
        Map<String, float[]> out = new HashMap<>();
        in.forEach((k, v) -> out.put(prefix + k, v));
        return out;
    }

    private static boolean changed(Map<String, float[]> before, Map<String, float[]> after) {
        for (String k : before.keySet()) {
            if (!java.util.Arrays.equals(before.get(k), after.get(k))) {
                return true;
            }
        }
        return false;
    }

    private void writeGenerator(NDManager m) throws Exception {
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
    }

    private PluginContext context(NDManager m) {
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
                return tmp;
            }

            @Override
            public Optional<ScenarioInfo> scenario() {
                return Optional.empty();
            }
        };
    }
}
