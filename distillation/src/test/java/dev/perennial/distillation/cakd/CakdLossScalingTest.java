package dev.perennial.distillation.cakd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.perennial.distillation.CrossEntropy;
import dev.perennial.distillation.InfoNce;
import dev.perennial.distillation.LossScaling;
import dev.perennial.distillation.ModelSpec;
import dev.perennial.distillation.OfaLoss;
import dev.perennial.distillation.TestSteps;
import dev.perennial.models.Backbone;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginState;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Issue 26: cakd's loss-scaling switches (warm-up, initial-value normalisation, grad-norm) and the 1×1 map refusal. */
class CakdLossScalingTest {
    private static final int CLASSES = 5;
    private static final int B = 4;

    private record Run(CakdDistiller distiller, Backbone student, Batch batch, NDArray labels) {}

    /** A distiller and a student built from one seed, so two runs with different switches start identical. */
    private static Run run(NDManager m, CakdConfig config) {
        Engine.getInstance().setRandomSeed(11);
        Backbone student = config.student().build();
        student.initialize(m, DataType.FLOAT32, new Shape(1, 3, 16, 16));
        CakdDistiller d = new CakdDistiller(config, m, Optional.empty());
        d.initialize();
        NDArray images = m.randomUniform(0f, 1f, new Shape(B, 3, 16, 16));
        NDArray labels = m.create(new long[] {0, 1, 2, 3});
        return new Run(d, student, TestSteps.batch(images, labels), labels);
    }

    private static CakdConfig base() {
        return CakdConfig.of(CakdDistillerTest.spec("vit"), CakdDistillerTest.spec("resnet18"));
    }

    private static Map<String, NDArray> terms(NDManager m, Run r, long step) {
        LossTerms st = CakdDistillerTest.studentTerms(r.student(), new ParameterStore(m, false),
                r.batch().input("image"), r.labels());
        return r.distiller().loss(r.batch(), st, TestSteps.training(m, step)).terms();
    }

    @Test
    void warmupRampsEveryTermLinearlyFromZero() {
        try (NDManager m = NDManager.newBaseManager()) {
            Run r = run(m, base().withLossScaling(10, "none"));
            Map<String, NDArray> start = terms(m, r, 0);
            Map<String, NDArray> half = terms(m, r, 5);
            Map<String, NDArray> full = terms(m, r, 10);
            Map<String, NDArray> later = terms(m, r, 50);
            assertEquals(CakdDistiller.termNames(r.distiller().config()), java.util.List.copyOf(full.keySet()));
            for (String name : full.keySet()) {
                float f = full.get(name).getFloat();
                assertTrue(f > 0, name);
                assertEquals(0f, start.get(name).getFloat(), 0f, name);
                assertEquals(0.5f * f, half.get(name).getFloat(), 1e-5f * Math.max(1f, f), name);
                assertEquals(f, later.get(name).getFloat(), 1e-5f * Math.max(1f, f), name);
            }
        }
    }

    @Test
    void initialScalingDividesEachTermByItsFirstValueAndIsCheckpointed() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals("initial", base().lossScaling(), "the default chosen from the issue-26 ablation");
            Run plain = run(m, base().withLossScaling(0, "none"));
            Map<String, NDArray> raw = terms(m, plain, 0);
            Run scaled = run(m, base().withLossScaling(0, "initial"));
            Map<String, NDArray> first = terms(m, scaled, 0);
            for (String name : raw.keySet()) {
                assertEquals(1f, first.get(name).getFloat(), 1e-4f, name + " starts at its weight, 1");
                assertEquals(raw.get(name).getFloat(), scaled.distiller().initialTermValues().get(name), 1e-4, name);
            }
            // A later step divides by the same constants: a changed student gives raw' / raw_0.
            plain.student().getParameters().values().forEach(p -> p.getArray().muli(0.9f));
            scaled.student().getParameters().values().forEach(p -> p.getArray().muli(0.9f));
            Map<String, NDArray> rawLater = terms(m, plain, 1);
            Map<String, NDArray> later = terms(m, scaled, 1);
            for (String name : raw.keySet()) {
                float expected = rawLater.get(name).getFloat() / raw.get(name).getFloat();
                assertEquals(expected, later.get(name).getFloat(), 1e-4f * Math.max(1f, expected), name);
            }
            // Saved with the run; a fresh distiller that loads the state divides by the same constants.
            PluginState state = scaled.distiller().saveState(TestSteps.training(m, 1));
            CakdDistiller resumed = new CakdDistiller(scaled.distiller().config(), m, Optional.empty());
            resumed.loadState(state);
            assertEquals(scaled.distiller().initialTermValues(), resumed.initialTermValues());
        }
    }

    /** The closed-form gradient norms equal autograd's on random inputs. */
    @Test
    void closedFormGradientNormsMatchAutograd() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(2);
            NDArray labels = m.create(new long[] {0, 1, 2, 3});
            NDArray mask = labels.oneHot(CLASSES).toType(DataType.FLOAT32, false);
            Batch batch = TestSteps.batch(m.zeros(new Shape(B, 3, 2, 2)), labels);
            NDArray teacher = m.randomNormal(new Shape(B, CLASSES));
            for (float eps : new float[] {1f, 1.5f}) {
                NDArray z = m.randomNormal(new Shape(B, CLASSES)).mul(2f);
                z.setRequiresGradient(true);
                try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                    c.backward(OfaLoss.loss(z, teacher, mask, eps, 2f));
                }
                assertEquals(norm(z.getGradient()), LossScaling.ofaGradientNorm(z, teacher, mask, eps, 2f).getFloat(),
                        1e-5f, "OFA eps " + eps);
            }
            NDArray z = m.randomNormal(new Shape(B, CLASSES));
            z.setRequiresGradient(true);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                c.backward(CrossEntropy.mean(z, batch, "test"));
            }
            assertEquals(norm(z.getGradient()), LossScaling.crossEntropyGradientNorm(z, mask).getFloat(), 1e-5f);
            NDArray logTau = m.create(new float[] {(float) Math.log(0.3)});
            for (boolean symmetric : new boolean[] {false, true}) {
                for (boolean anchorTrains : new boolean[] {false, true}) {
                    NDArray zi = InfoNce.normalize(m.randomNormal(new Shape(B, 6)));
                    NDArray zj = InfoNce.normalize(m.randomNormal(new Shape(B, 6)));
                    zi.setRequiresGradient(true);
                    zj.setRequiresGradient(true);
                    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                        c.backward(InfoNce.loss(anchorTrains ? zi : zi.stopGradient(), zj, logTau, symmetric));
                    }
                    float gi = norm(zi.getGradient());
                    float gj = norm(zj.getGradient());
                    float expected = anchorTrains ? (float) Math.sqrt(gi * gi + gj * gj) : gj;
                    assertEquals(expected, LossScaling.infoNceGradientNorm(zi, zj, logTau, symmetric, anchorTrains)
                            .getFloat(), 1e-5f, "symmetric " + symmetric + ", anchor trains " + anchorTrains);
                }
            }
        }
    }

    private static float norm(NDArray g) {
        return g.square().sum().sqrt().getFloat();
    }

    /**
     * With grad-norm balancing, the teacher-student OFA term's gradient at the student's logits has the norm of the
     * student cross-entropy's gradient there (the scale stays below its cap here), and nothing reaches the teacher.
     */
    @Test
    void gradNormBalancingGivesAStudentTermTheCrossEntropysGradientNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            Run r = run(m, base().withLossScaling(0, "grad-norm"));
            LossTerms st = CakdDistillerTest.studentTerms(r.student(), new ParameterStore(m, false),
                    r.batch().input("image"), r.labels());
            NDArray logits = st.output("logits").orElseThrow().stopGradient().duplicate();
            logits.setRequiresGradient(true);
            LossTerms leaf = LossTerms.of("ce", st.terms().get("ce")).withOutput("logits", logits)
                    .withOutput("features", st.output("features").orElseThrow())
                    .withOutput("stage3", st.output("stage3").orElseThrow());
            float target;
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                Map<String, NDArray> t = r.distiller().loss(r.batch(), leaf, TestSteps.training(m)).terms();
                target = LossScaling.crossEntropyGradientNorm(logits,
                        r.labels().oneHot(CLASSES).toType(DataType.FLOAT32, false)).getFloat();
                c.backward(t.get("cakd-ofa-ts"));
            }
            assertEquals(target, norm(logits.getGradient()), 1e-5f);
            assertTrue(r.distiller().teacher().isFrozen());
        }
    }

    @Test
    void aOneByOneStageMapIsRefusedUnlessAllowed() {
        try (NDManager m = NDManager.newBaseManager()) {
            // MobileNetV2 at 16 px: the stride-16 stage ends at 1x1; the ViT teacher's stage 4 reads a 4x4 grid.
            CakdConfig c = CakdConfig.of(CakdDistillerTest.spec("vit"), CakdDistillerTest.spec("mobilenet-v2"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new CakdDistiller(c, m, Optional.empty()).initialize());
            assertTrue(e.getMessage().contains("1x1") && e.getMessage().contains("allowPointStageMap")
                    && e.getMessage().contains("mobilenet-v2"), e.getMessage());
            new CakdDistiller(c.withAllowPointStageMap(true), m, Optional.empty()).initialize();
            // At 32 px the map is 2x2 and needs no switch.
            ModelSpec t32 = ModelSpec.of("vit", CLASSES, 32).withSizes(16, 4, 2, 4);
            ModelSpec s32 = ModelSpec.of("mobilenet-v2", CLASSES, 32).withWidthMultiplier(0.25);
            new CakdDistiller(CakdConfig.of(t32, s32), m, Optional.empty()).initialize();
        }
    }

    @Test
    void scalingSwitchesAreValidated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> base().withLossScaling(0, "gradnorm"));
        assertTrue(e.getMessage().contains("'lossScaling'") && e.getMessage().contains("grad-norm"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> base().withLossScaling(-1, "none"));
        assertTrue(e.getMessage().contains("'warmupSteps'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> base().withInfoNceMode("memory-bank", 100, 10, 0.5).withLossScaling(0, "grad-norm"));
        assertTrue(e.getMessage().contains("in-batch"), e.getMessage());
    }
}
