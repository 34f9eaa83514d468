package dev.perennial.distillation.cakd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.perennial.distillation.InfoNce;
import dev.perennial.distillation.Knowledge;
import dev.perennial.distillation.SpatialPooling;
import dev.perennial.distillation.TestSteps;
import dev.perennial.models.Backbone;
import dev.perennial.models.vit.VisionTransformer;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LossTerms;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 26: the loss algebra and gradient routing of cakd's UNVERIFIED switches (cakd.md §3, §6 pitfalls 4–5):
 * {@code infoNceSymmetric}, {@code fusionToStudentGradient}, {@code fusionCe}, {@code vitPooling},
 * {@code projectionDim}, {@code initialTemperature} / {@code learnableTemperature}, the pair weights and the
 * InfoNCE / OFA ablations. A ViT teacher and a ResNet-18 student at 16 px; every comparison builds both
 * configurations from the same seed, so they start from identical weights and inputs.
 */
class CakdSwitchesTest {
    private static final int CLASSES = 5;
    private static final int SIZE = 16;
    private static final int B = 4;

    private record Run(NDManager manager, CakdDistiller distiller, Backbone student, ParameterStore ps, Batch batch,
                       NDArray labels) {}

    /** The paper's unscaled form (lossScaling none), so every term is its weight times its raw value. */
    private static CakdConfig base() {
        return CakdConfig.of(CakdDistillerTest.spec("vit"), CakdDistillerTest.spec("resnet18"))
                .withLossScaling(0, "none");
    }

    /** A copy of a configuration with the named record components replaced (a user's YAML keys). */
    static CakdConfig with(CakdConfig c, Map<String, Object> changes) {
        RecordComponent[] components = CakdConfig.class.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        Set<String> names = java.util.Arrays.stream(components).map(RecordComponent::getName)
                .collect(Collectors.toSet());
        if (!names.containsAll(changes.keySet())) {
            throw new IllegalArgumentException("not CakdConfig fields: " + changes.keySet());
        }
        try {
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                String name = components[i].getName();
                args[i] = changes.containsKey(name) ? changes.get(name) : components[i].getAccessor().invoke(c);
            }
            return CakdConfig.class.getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Run run(NDManager m, CakdConfig config) {
        Engine.getInstance().setRandomSeed(42);
        Backbone student = config.student().build();
        student.initialize(m, DataType.FLOAT32, new Shape(1, 3, SIZE, SIZE));
        CakdDistiller d = new CakdDistiller(config, m, Optional.empty());
        d.initialize();
        NDArray images = m.randomUniform(0f, 1f, new Shape(B, 3, SIZE, SIZE));
        NDArray labels = m.create(new long[] {0, 1, 2, 3});
        return new Run(m, d, student, new ParameterStore(m, false), TestSteps.batch(images, labels), labels);
    }

    private static LossTerms studentTerms(Run r) {
        return CakdDistillerTest.studentTerms(r.student(), r.ps(), r.batch().input("image"), r.labels());
    }

    private static LossTerms loss(Run r) {
        return r.distiller().loss(r.batch(), studentTerms(r), TestSteps.training(r.manager()));
    }

    private static Map<String, Float> values(Run r) {
        Map<String, Float> out = new LinkedHashMap<>();
        loss(r).terms().forEach((k, v) -> out.put(k, v.getFloat()));
        return out;
    }

    @Test
    void symmetricInfoNceIsTheMeanOfBothDirections() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            NDArray logTau = m.create(new float[] {(float) Math.log(0.3)});
            NDArray zi = InfoNce.normalize(m.randomNormal(new Shape(6, 8)));
            NDArray zj = InfoNce.normalize(m.randomNormal(new Shape(6, 8)));
            float ij = InfoNce.loss(zi, zj, logTau, false).getFloat();
            float ji = InfoNce.loss(zj, zi, logTau, false).getFloat();
            assertEquals((ij + ji) / 2f, InfoNce.loss(zi, zj, logTau, true).getFloat(), 1e-5f);
            // An asymmetric case with a closed form: every anchor identical (a, a, ..., a). The i→j direction is
            // LSE(s/τ) − mean(s/τ) with s_b = ⟨a, z_j^b⟩; in the j→i direction each row holds one value B times,
            // so it is exactly log B; the symmetric loss is their mean.
            NDArray a = InfoNce.normalize(m.randomNormal(new Shape(1, 8))).repeat(0, 6);
            float[] sim = zj.matMul(a.get("0:1").transpose()).toFloatArray();
            double lse = 0;
            double mean = 0;
            for (float v : sim) {
                lse += Math.exp(v / 0.3);
                mean += v / 0.3 / sim.length;
            }
            double forward = Math.log(lse) - mean;
            assertEquals(forward, InfoNce.loss(a, zj, logTau, false).getFloat(), 1e-4);
            assertEquals(Math.log(6), InfoNce.loss(zj, a, logTau, false).getFloat(), 1e-4);
            assertEquals((forward + Math.log(6)) / 2, InfoNce.loss(a, zj, logTau, true).getFloat(), 1e-4);

            // In the distiller: only the InfoNCE terms change, each to the mean of its two directions.
            Map<String, Float> one = values(run(m, base()));
            Map<String, Float> sym = values(run(m, with(base(), Map.of("infoNceSymmetric", true))));
            assertEquals(one.keySet(), sym.keySet());
            for (String k : one.keySet()) {
                if (k.startsWith("cakd-ofa-")) {
                    assertEquals(one.get(k), sym.get(k), 1e-5f, k);
                } else {
                    assertTrue(Math.abs(one.get(k) - sym.get(k)) > 1e-6f, k + " changes with infoNceSymmetric: "
                            + one.get(k) + " vs " + sym.get(k));
                }
            }
        }
    }

    /** The teacher–student InfoNCE term of the distiller equals §2.4's formula at the configured τ₂ and width. */
    @Test
    void infoNceTermIsTheFormulaAtTheConfiguredTemperatureAndProjectionWidth() {
        try (NDManager m = NDManager.newBaseManager()) {
            CakdConfig config = with(base(), Map.of("initialTemperature", 0.2, "projectionDim", 32));
            Run r = run(m, config);
            CakdModules mod = r.distiller().modules();
            for (var head : List.of(mod.projTeacher(), mod.projStudent(), mod.projFusion())) {
                assertEquals(32, head.outFeatures());
            }
            for (Parameter logTau : List.of(mod.logTauTeacherStudent(), mod.logTauTeacherFusion(),
                    mod.logTauFusionStudent())) {
                assertEquals(Math.log(0.2), logTau.getArray().getFloat(), 1e-6);
                assertTrue(logTau.requiresGradient(), "τ₂ is learnable by default");
            }
            LossTerms st = studentTerms(r);
            float term = r.distiller().loss(r.batch(), st, TestSteps.training(m)).terms().get("cakd-nce-ts")
                    .getFloat();
            Knowledge kt = r.distiller().teacher().knowledge(r.ps(), r.batch().input("image"));
            NDArray zt = InfoNce.normalize(mod.projTeacher().forward(r.ps(), kt.features(), true));
            NDArray zs = InfoNce.normalize(mod.projStudent().forward(r.ps(),
                    SpatialPooling.globalAverage(st.output("features").orElseThrow(), "features"), true));
            assertEquals(32, zt.getShape().get(1));
            float expected = InfoNce.loss(zt, zs, mod.logTauTeacherStudent().getArray(), false).getFloat();
            assertEquals(expected, term, 1e-5f);

            Run frozen = run(m, with(config, Map.of("learnableTemperature", false)));
            assertFalse(frozen.distiller().modules().logTauTeacherStudent().requiresGradient());
            assertFalse(frozen.distiller().modules().logTauFusionStudent().requiresGradient());
        }
    }

    /**
     * {@code fusionToStudentGradient}: with {@code student-only} (the default) L(K_F, K_S) sends no gradient to the
     * fusion side (its projection head's gradient is the same with and without that pair's InfoNCE term); with
     * {@code both} it does. The student side takes it in both modes.
     */
    @Test
    void fusionToStudentGradientRoutesTheFusionStudentPair() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (String mode : List.of("student-only", "both")) {
                CakdConfig config = with(base(), Map.of("fusionToStudentGradient", mode));
                float[][] without = headGradients(m, config, List.of("cakd-nce-ts", "cakd-nce-tf"));
                float[][] withFs = headGradients(m, config, List.of("cakd-nce-ts", "cakd-nce-tf", "cakd-nce-fs"));
                float fusionChange = maxAbsDiff(without[0], withFs[0]);
                float studentChange = maxAbsDiff(without[1], withFs[1]);
                assertTrue(studentChange > 1e-6f, mode + ": the student side takes the fusion-student gradient");
                if (mode.equals("student-only")) {
                    assertEquals(0f, fusionChange, 1e-7f, "student-only: the fusion side takes none of it");
                } else {
                    assertTrue(fusionChange > 1e-6f, "both: the fusion side takes it too");
                }
            }
        }
    }

    /** Gradients of the fusion and student projection heads' weights after backward on the named terms. */
    private static float[][] headGradients(NDManager parent, CakdConfig config, List<String> names) {
        try (NDManager m = parent.newSubManager()) {
            Run r = run(m, config);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                Map<String, NDArray> terms = loss(r).terms();
                NDArray total = terms.get(names.get(0));
                for (String n : names.subList(1, names.size())) {
                    total = total.add(terms.get(n));
                }
                c.backward(total);
            }
            CakdModules mod = r.distiller().modules();
            return new float[][] {mod.projFusion().getParameters().get("weight").getArray().getGradient()
                    .toFloatArray(), mod.projStudent().getParameters().get("weight").getArray().getGradient()
                    .toFloatArray()};
        }
    }

    private static float maxAbsDiff(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Test
    void fusionCeIsTheFusionModelsCrossEntropyAndAddsOnlyThatTerm() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, Float> plain = values(run(m, base()));
            Run r = run(m, with(base(), Map.of("fusionCe", true, "fusionCeWeight", 2.0)));
            LossTerms terms = loss(r);
            NDArray fusionLogits = terms.output("fusion-logits").orElseThrow();
            float[] logProb = fusionLogits.logSoftmax(1).toFloatArray();
            double ce = 0;
            for (int b = 0; b < B; b++) {
                ce -= logProb[b * CLASSES + b];
            }
            ce /= B;
            assertEquals(2 * ce, terms.terms().get("cakd-fusion-ce").getFloat(), 1e-5);
            assertEquals(CakdDistiller.termNames(r.distiller().config()), List.copyOf(terms.terms().keySet()));
            for (String k : plain.keySet()) {
                assertEquals(plain.get(k), terms.terms().get(k).getFloat(), 1e-5f, k);
            }
            assertFalse(plain.containsKey("cakd-fusion-ce"));
        }
    }

    /**
     * {@code vitPooling: cls} makes the ViT teacher's feature f_T its class token; the logits (and so every OFA term)
     * do not depend on the pooling, the InfoNCE terms on the teacher's feature do.
     */
    @Test
    void clsPoolingChangesOnlyTheFeaturesNotTheLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            Run mean = run(m, base());
            Run cls = run(m, with(base(), Map.of("vitPooling", "cls")));
            NDArray x = cls.batch().input("image");
            NDArray token = ((VisionTransformer) cls.distiller().teacher().model()).forwardAll(cls.ps(), x, false)
                    .pooled();
            assertEquals(0f, cls.distiller().teacher().knowledge(cls.ps(), x).features().sub(token).abs().max()
                    .getFloat(), 1e-6f);
            assertTrue(mean.distiller().teacher().knowledge(mean.ps(), x).features().sub(token).abs().max()
                    .getFloat() > 1e-4f);
            Map<String, Float> a = values(mean);
            Map<String, Float> b = values(cls);
            for (String k : a.keySet()) {
                if (k.startsWith("cakd-ofa-")) {
                    assertEquals(a.get(k), b.get(k), 1e-5f, k);
                }
            }
            assertTrue(Math.abs(a.get("cakd-nce-ts") - b.get("cakd-nce-ts")) > 1e-5f);
            assertTrue(Math.abs(a.get("cakd-nce-tf") - b.get("cakd-nce-tf")) > 1e-5f);
        }
    }

    /** A pair weight scales only that pair's two terms; the InfoNCE / OFA ablations remove only their kind. */
    @Test
    void pairWeightsAndLossKindAblationsTouchOnlyTheirTerms() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, Float> full = values(run(m, base()));
            Map<String, Float> half = values(run(m, with(base(), Map.of("teacherStudentWeight", 0.5,
                    "fusionStudentWeight", 0.0))));
            for (String k : full.keySet()) {
                float factor = k.endsWith("-ts") ? 0.5f : k.endsWith("-fs") ? 0f : 1f;
                assertEquals(factor * full.get(k), half.get(k), 1e-5f, k);
            }
            Map<String, Float> noNce = values(run(m, base().withAblations(false, true, false)));
            Map<String, Float> noOfa = values(run(m, base().withAblations(false, false, true)));
            assertEquals(full.keySet().stream().filter(k -> k.startsWith("cakd-ofa-")).toList(),
                    List.copyOf(noNce.keySet()));
            assertEquals(full.keySet().stream().filter(k -> k.startsWith("cakd-nce-")).toList(),
                    List.copyOf(noOfa.keySet()));
            noNce.forEach((k, v) -> assertEquals(full.get(k), v, 1e-5f, k));
            noOfa.forEach((k, v) -> assertEquals(full.get(k), v, 1e-5f, k));
        }
    }
}
