package dev.perennial.benchmarks.slerpface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import dev.perennial.api.checkpoint.CheckpointException;
import dev.perennial.slerpface.GroupedTemplate;
import dev.perennial.slerpface.baseline.NoProtection;
import dev.perennial.slerpface.faces.FaceRenderer;
import dev.perennial.slerpface.learn.SlerpFaceLearnerConfig;
import dev.perennial.slerpface.security.InversionAttack;
import dev.perennial.slerpface.security.SchemeUnderTest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recogniser the shared loop trained, rebuilt from the run's checkpoint, and extraction through it. */
class TrainedRecogniserTest {

    private static final SlerpFaceLearnerConfig CONFIG = new SlerpFaceLearnerConfig(List.of(1, 1, 1, 1), 4, true, 8,
            16, 0.2, false);

    @Test
    void restoresTheTrainedRecogniserAndExtractsGroupedTemplates(@TempDir Path dir) {
        Path run = train(dir);
        FaceRenderer renderer = new FaceRenderer(16, 7);
        try (TrainedRecogniser recogniser = TrainedRecogniser.restore(run, CONFIG, 4, new long[] {3, 16, 16})) {
            // 16 px, CIFAR stem: the last stage is 2 x 2, so m = 4 groups of d = 8
            assertEquals(4, recogniser.groups());
            assertEquals(8, recogniser.groupSize());
            float[][] images = {renderer.render(100, 0), renderer.render(100, 0), renderer.render(101, 0)};
            GroupedTemplate[] t = recogniser.templates(images);
            assertEquals(3, t.length);
            assertEquals(32, t[0].features().length);
            assertEquals(1.0, Arrays.stream(t[0].weights()).sum(), 1e-9);
            // float32 kernels may round differently by batch position: equal up to float precision
            assertSameTemplate(t[0].features(), t[1].features());
            assertNotEquals(Arrays.toString(t[0].features()), Arrays.toString(t[2].features()));

            // the restored parameters are the trained ones: a second restore extracts the same template
            try (TrainedRecogniser again = TrainedRecogniser.restore(run, CONFIG, 4, new long[] {3, 16, 16})) {
                assertSameTemplate(t[2].features(), again.templates(new float[][] {images[2]})[0].features());
            }
            // attack 3's glue: decoder trained on leaked (here unprotected) templates, its image re-extracted
            NoProtection none = new NoProtection();
            List<InversionAttack.LeakedPair> pairs = List.of(
                    new InversionAttack.LeakedPair(100, 0, none.protect(SchemeUnderTest.features(t[0]),
                            none.newKey(0)), t[0]),
                    new InversionAttack.LeakedPair(101, 0, none.protect(SchemeUnderTest.features(t[2]),
                            none.newKey(0)), t[2]));
            try (ImageDecoderAttack attack = new ImageDecoderAttack(new DecoderConfig(1, 16, 8, 2, 2, 1e-3),
                    (identity, image) -> renderer.render(identity, image), recogniser, 5)) {
                GroupedTemplate reconstruction = attack.fit(pairs).invert(pairs.get(1).leaked());
                assertEquals(32, reconstruction.features().length);
                assertEquals(4, reconstruction.groups());
                assertEquals(1, attack.fits().size());
                assertEquals(32, attack.fits().get(0).templateLength());
                assertEquals(2, attack.fits().get(0).epochLosses().size());
                assertEquals(0, attack.fits().get(0).heldOutPairs(), "too few identities to hold any out");
            }
            IllegalArgumentException wrongImage = assertThrows(IllegalArgumentException.class,
                    () -> recogniser.templates(new float[][] {new float[10]}));
            assertTrue(wrongImage.getMessage().contains("3 x 16 x 16"), wrongImage.getMessage());
        }
    }

    @Test
    void aCheckpointOfAnotherShapeIsNamedParameterByParameter(@TempDir Path dir) {
        Path run = train(dir);
        SlerpFaceLearnerConfig wider = new SlerpFaceLearnerConfig(List.of(1, 1, 1, 1), 8, true, 8, 16, 0.2, false);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> TrainedRecogniser.restore(run, wider, 4, new long[] {3, 16, 16}));
        assertTrue(e.getMessage().contains("in the checkpoint"), e.getMessage());
        CheckpointException none = assertThrows(CheckpointException.class,
                () -> TrainedRecogniser.restore(dir.resolve("nothing"), CONFIG, 4, new long[] {3, 16, 16}));
        assertTrue(none.getMessage().contains("no checkpoint"), none.getMessage());
    }

    /** Equal up to float32 rounding, relative to the template's size (a barely trained net's scale is arbitrary). */
    private static void assertSameTemplate(double[] a, double[] b) {
        double scale = 0;
        double difference = 0;
        for (int j = 0; j < a.length; j++) {
            scale = Math.max(scale, Math.abs(a[j]));
            difference = Math.max(difference, Math.abs(a[j] - b[j]));
        }
        assertTrue(scale > 0 && difference <= 1e-4 * scale, "max difference " + difference + " at scale " + scale);
    }

    /** Two steps of the shared loop on 4 generated identities; returns the run folder. */
    private static Path train(Path dir) {
        RunReport report = Perennial.builder().name("recogniser-test").seed(3)
                .dataset("generated-faces", Map.of("identities", 4, "trainImages", 4, "testImages", 1, "size", 16,
                        "seed", 7))
                .scenario("class-incremental", Map.of("increment", 4))
                .learner("slerpface-grouping", Map.of("layers", CONFIG.layers(), "baseWidth", CONFIG.baseWidth(),
                        "cifarStem", true, "groupSize", CONFIG.groupSize(), "arcFaceScale", 16.0, "arcFaceMargin",
                        0.2, "flipMirrorBack", false))
                .training(Map.of("optimizer", "sgd", "learningRate", 0.01, "epochs", 1, "batchSize", 8))
                .metric("accuracy", Map.of())
                .runDirectory(dir.resolve("runs"))
                .build().run();
        return Path.of(report.runDirectory());
    }
}
