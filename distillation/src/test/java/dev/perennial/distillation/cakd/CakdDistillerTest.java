package dev.perennial.distillation.cakd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.perennial.distillation.Knowledge;
import dev.perennial.distillation.ModelSpec;
import dev.perennial.distillation.TestSteps;
import dev.perennial.distillation.TokenPooling;
import dev.perennial.distillation.assistant.FusionLayout;
import dev.perennial.distillation.assistant.StageSplit;
import dev.perennial.models.Backbone;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LossTerms;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** cakd.md §5 K7–K11 and the assistant construction for every family pair, on tiny networks. */
class CakdDistillerTest {
    private static final int CLASSES = 5;
    private static final int SIZE = 16;
    private static final int B = 4;

    static ModelSpec spec(String architecture) {
        ModelSpec base = ModelSpec.of(architecture, CLASSES, SIZE);
        return switch (architecture) {
            case "resnet18" -> base.withSizes(4, 0, 0, 0);
            case "mobilenet-v2" -> base.withWidthMultiplier(0.25);
            case "vit" -> base.withSizes(16, 4, 2, 4);
            default -> base.withSizes(16, 4, 0, 4);
        };
    }

    /** A student pass as a learner would report it: logits, pooled features and the stage-3 output. */
    static LossTerms studentTerms(Backbone student, ParameterStore ps, NDArray images, NDArray labels) {
        StageSplit split = StageSplit.of(student, TokenPooling.CLS);
        NDArray stage3 = split.front(ps, images, true);
        Knowledge k = split.back(ps, stage3.getShape().dimension() == 3 && split.family()
                == dev.perennial.models.ModelFamily.ATTENTION ? stage3.get(":, 1:, :") : stage3, true);
        NDArray ce = k.logits().logSoftmax(1).mul(labels.oneHot(CLASSES).toType(DataType.FLOAT32, false))
                .sum(new int[] {1}).neg().mean();
        return LossTerms.of("ce", ce).withOutput("logits", k.logits()).withOutput("features", k.features())
                .withOutput("stage3", stage3);
    }

    private record Setup(NDManager manager, Backbone student, CakdDistiller distiller, ParameterStore ps, Batch batch,
                         NDArray labels) {}

    private static Setup setup(NDManager m, String teacherArch, String studentArch, CakdConfig overrides,
            boolean shareStudent) {
        Engine.getInstance().setRandomSeed(42);
        Backbone student = spec(studentArch).build();
        student.initialize(m, DataType.FLOAT32, new Shape(1, 3, SIZE, SIZE));
        CakdDistiller d = new CakdDistiller(overrides, m, shareStudent ? Optional.of(student) : Optional.empty());
        d.initialize();
        NDArray images = m.randomUniform(0f, 1f, new Shape(B, 3, SIZE, SIZE));
        NDArray labels = m.create(new long[] {0, 1, 2, 3});
        return new Setup(m, student, d, new ParameterStore(m, false), TestSteps.batch(images, labels), labels);
    }

    @ParameterizedTest(name = "teacher {0} -> student {1}")
    @CsvSource({"vit,resnet18", "mlp-mixer,resnet18", "vit,mobilenet-v2", "mlp-mixer,mobilenet-v2",
            "resnet18,vit", "resnet18,mlp-mixer", "mobilenet-v2,vit", "resnet18,mobilenet-v2", "vit,vit",
            "mlp-mixer,vit", "vit,mlp-mixer"})
    void assistantForwardAndTermsForEveryFamilyPair(String teacher, String student) {
        try (NDManager m = NDManager.newBaseManager()) {
            // 16 px leaves MobileNetV2 a 1x1 stage-3 map; accepted here to test the construction for every pair.
            Setup s = setup(m, teacher, student, CakdConfig.of(spec(teacher), spec(student))
                    .withAllowPointStageMap(true), false);
            FusionLayout layout = s.distiller().layout();
            boolean cnnTeacherOnly = teacher.startsWith("resnet") || teacher.startsWith("mobilenet");
            boolean cnnStudent = student.startsWith("resnet") || student.startsWith("mobilenet");
            assertEquals(cnnTeacherOnly && !cnnStudent ? FusionLayout.Side.TEACHER : FusionLayout.Side.STUDENT,
                    layout.front());
            LossTerms terms;
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                LossTerms st = studentTerms(s.student(), s.ps(), s.batch().input("image"), s.labels());
                Knowledge f = s.distiller().fusionKnowledge(s.batch().input("image"), st, true);
                assertEquals(new Shape(B, CLASSES), f.logits().getShape());
                terms = s.distiller().loss(s.batch(), st, TestSteps.training(m));
                NDArray total = st.terms().get("ce");
                for (NDArray t : terms.terms().values()) {
                    total = total.add(t);
                }
                c.backward(total);
            }
            assertEquals(CakdDistiller.termNames(s.distiller().config()), List.copyOf(terms.terms().keySet()));
            for (Map.Entry<String, NDArray> e : terms.terms().entrySet()) {
                float v = e.getValue().getFloat();
                assertTrue(Float.isFinite(v) && v >= 0f, e.getKey() + " = " + v);
            }
            // The projector is trained by the fusion terms.
            for (var p : s.distiller().modules().fusion().projector().getParameters()) {
                assertTrue(p.getValue().getArray().getGradient().abs().sum().getFloat() > 0f, p.getKey());
            }
            assertTrue(s.distiller().teacher().isFrozen());
        }
    }

    @Test
    void l2gOutputMatchesWhatStage4Reads() {
        try (NDManager m = NDManager.newBaseManager()) {
            Setup s = setup(m, "mlp-mixer", "resnet18", CakdConfig.of(spec("mlp-mixer"), spec("resnet18")), false);
            NDArray stage3 = StageSplit.of(s.student(), TokenPooling.CLS).front(s.ps(), s.batch().input("image"), false);
            NDArray tokens = s.distiller().modules().fusion().projector().forward(s.ps(), stage3, false);
            // Mixer-S with patch 4 on 16 px: 16 tokens of width 16.
            assertEquals(new Shape(B, 16, 16), tokens.getShape());
        }
    }

    @Test
    void teacherGetsNoGradientAndStaysBitIdenticalAfterAStep() {
        try (NDManager m = NDManager.newBaseManager()) {
            Setup s = setup(m, "vit", "resnet18", CakdConfig.of(spec("vit"), spec("resnet18")), false);
            List<Parameter> teacherParams = s.distiller().teacher().model().getParameters().values();
            List<float[]> before = teacherParams.stream().map(p -> p.getArray().toFloatArray()).toList();
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                LossTerms st = studentTerms(s.student(), s.ps(), s.batch().input("image"), s.labels());
                LossTerms terms = s.distiller().loss(s.batch(), st, TestSteps.training(m));
                NDArray total = st.terms().get("ce");
                for (NDArray t : terms.terms().values()) {
                    total = total.add(t);
                }
                c.backward(total);
            }
            // An SGD step on everything that takes a gradient (student + distiller modules).
            List<Parameter> trainable = new ArrayList<>(s.student().getParameters().values());
            trainable.addAll(s.distiller().modules().getParameters().values());
            for (Parameter p : trainable) {
                if (p.requiresGradient()) {
                    p.getArray().subi(p.getArray().getGradient().mul(0.1f));
                }
            }
            for (int i = 0; i < teacherParams.size(); i++) {
                assertFalse(teacherParams.get(i).requiresGradient(), teacherParams.get(i).getName());
                assertArrayEquals(before.get(i), teacherParams.get(i).getArray().toFloatArray(),
                        teacherParams.get(i).getName());
            }
        }
    }

    @Test
    void onlyTheProjectorIsNewInTheFusionModel() {
        try (NDManager m = NDManager.newBaseManager()) {
            Setup s = setup(m, "vit", "resnet18", CakdConfig.of(spec("vit"), spec("resnet18")), false);
            Set<Parameter> fusionOwn = identitySet(s.distiller().modules().fusion().getParameters().values());
            Set<Parameter> l2g = identitySet(s.distiller().modules().fusion().projector().getParameters().values());
            assertEquals(l2g, fusionOwn);
            // Stage 4 + head inside the fusion model are the teacher's own parameter instances.
            Set<Parameter> teacher = identitySet(s.distiller().teacher().model().getParameters().values());
            assertTrue(teacher.containsAll(s.distiller().modules().fusion().back().backParameters()));
            // Nothing the distiller trains is the teacher's.
            for (Parameter p : s.distiller().modules().getParameters().values()) {
                assertFalse(teacher.contains(p), p.getName());
            }
        }
    }

    private static Set<Parameter> identitySet(List<Parameter> ps) {
        Set<Parameter> set = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(ps);
        return set;
    }

    @Test
    void updatingTheStudentsFirstStageChangesTheFusionOutput() {
        try (NDManager m = NDManager.newBaseManager()) {
            Setup s = setup(m, "vit", "resnet18", CakdConfig.of(spec("vit"), spec("resnet18")), false);
            NDArray images = s.batch().input("image");
            float[] before = s.distiller().fusionKnowledge(images,
                    studentTerms(s.student(), s.ps(), images, s.labels()), false).logits().toFloatArray();
            Parameter conv1 = StageSplit.child(s.student(), "conv1").getParameters().get("weight");
            conv1.getArray().addi(0.05f);
            float[] after = s.distiller().fusionKnowledge(images,
                    studentTerms(s.student(), s.ps(), images, s.labels()), false).logits().toFloatArray();
            assertFalse(java.util.Arrays.equals(before, after));
        }
    }

    @Test
    void withTheStudentsBackboneTheFusionModelSharesItsStage4() {
        try (NDManager m = NDManager.newBaseManager()) {
            Setup s = setup(m, "resnet18", "vit", CakdConfig.of(spec("resnet18"), spec("vit")), true);
            Set<Parameter> student = identitySet(s.student().getParameters().values());
            assertTrue(student.containsAll(s.distiller().modules().fusion().back().backParameters()));
            assertEquals(identitySet(s.distiller().modules().fusion().projector().getParameters().values()),
                    identitySet(s.distiller().modules().fusion().getParameters().values()));
        }
    }

    @Test
    void unfrozenTeacherPartsAreATrainedCopy() {
        try (NDManager m = NDManager.newBaseManager()) {
            CakdConfig config = CakdConfig.of(spec("vit"), spec("resnet18")).withFreezeTeacherPartsInFusion(false);
            Setup s = setup(m, "vit", "resnet18", config, false);
            Set<Parameter> teacher = identitySet(s.distiller().teacher().model().getParameters().values());
            List<Parameter> back = s.distiller().modules().fusion().back().backParameters();
            assertTrue(back.stream().noneMatch(teacher::contains));
            assertTrue(back.stream().allMatch(Parameter::requiresGradient));
            // The copy starts from the teacher's weights.
            assertArrayEquals(s.distiller().teacher().split().backParameters().get(0).getArray().toFloatArray(),
                    back.get(0).getArray().toFloatArray());
            assertTrue(s.distiller().teacher().isFrozen());
        }
    }

    @Test
    void ablatingTheTeacherFusionPairRemovesOnlyItsTerms() {
        try (NDManager m = NDManager.newBaseManager()) {
            CakdConfig full = CakdConfig.of(spec("vit"), spec("resnet18"));
            Map<String, Float> a = values(setup(m, "vit", "resnet18", full, false));
            Map<String, Float> b = values(setup(m, "vit", "resnet18", full.withAblations(true, false, false), false));
            Set<String> expected = a.keySet().stream().filter(k -> !k.endsWith("-tf")).collect(Collectors.toSet());
            assertEquals(expected, b.keySet());
            for (String k : b.keySet()) {
                assertEquals(a.get(k), b.get(k), 1e-5f, k);
            }
        }
    }

    private static Map<String, Float> values(Setup s) {
        LossTerms st = studentTerms(s.student(), s.ps(), s.batch().input("image"), s.labels());
        LossTerms terms = s.distiller().loss(s.batch(), st, TestSteps.training(s.manager()));
        Map<String, Float> out = new java.util.LinkedHashMap<>();
        terms.terms().forEach((k, v) -> out.put(k, v.getFloat()));
        return out;
    }

    @Test
    void aMissingStudentOutputIsNamed() {
        try (NDManager m = NDManager.newBaseManager()) {
            Setup s = setup(m, "vit", "resnet18", CakdConfig.of(spec("vit"), spec("resnet18")), false);
            LossTerms st = studentTerms(s.student(), s.ps(), s.batch().input("image"), s.labels());
            LossTerms noStage = LossTerms.of("ce", st.terms().get("ce")).withOutput("logits", st.output("logits")
                    .orElseThrow()).withOutput("features", st.output("features").orElseThrow());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> s.distiller().loss(s.batch(), noStage, TestSteps.training(m)));
            assertTrue(e.getMessage().contains("'stage3'"), e.getMessage());
            LossTerms noLogits = LossTerms.of("ce", st.terms().get("ce"));
            e = assertThrows(IllegalStateException.class,
                    () -> s.distiller().loss(s.batch(), noLogits, TestSteps.training(m)));
            assertTrue(e.getMessage().contains("'logits'"), e.getMessage());
        }
    }

    private static Map<String, Float> terms(Setup s) {
        LossTerms st = studentTerms(s.student(), s.ps(), s.batch().input("image"), s.labels());
        LossTerms terms = s.distiller().loss(s.batch(), st, TestSteps.training(s.manager()));
        Map<String, Float> out = new java.util.LinkedHashMap<>();
        terms.terms().forEach((k, v) -> out.put(k, v.getFloat()));
        return out;
    }

    @Test
    void memoryBankTermsUpdateTheBatchRowsAndTheBanksAreCheckpointed() {
        // Unscaled terms: the copy below restores the modules only, not the first-step values 'initial' divides by.
        CakdConfig config = CakdConfig.of(spec("vit"), spec("resnet18")).withInfoNceMode("memory-bank", 16, 8, 0.5)
                .withLossScaling(0, "none");
        try (NDManager m = NDManager.newBaseManager(); NDManager m2 = NDManager.newBaseManager();
                NDManager m3 = NDManager.newBaseManager()) {
            Setup s = setup(m, "vit", "resnet18", config, false);
            CakdModules modules = s.distiller().modules();
            List<Parameter> banks = List.of(modules.bankTeacher().orElseThrow(), modules.bankStudent().orElseThrow(),
                    modules.bankFusion().orElseThrow());
            for (Parameter bank : banks) {
                assertFalse(bank.requiresGradient(), bank.getName());
                assertEquals(new Shape(16, 128), bank.getArray().getShape());
                // Part of the block the loop checkpoints and restores (every initialised parameter).
                assertTrue(modules.getParameters().values().contains(bank), bank.getName());
            }
            float[] before = banks.get(0).getArray().toFloatArray();
            Map<String, Float> first = terms(s);
            assertEquals(CakdDistiller.termNames(config), List.copyOf(first.keySet()));
            first.forEach((k, v) -> assertTrue(Float.isFinite(v) && v >= 0f, k + " = " + v));
            float[] after = banks.get(0).getArray().toFloatArray();
            for (int row = 0; row < 16; row++) {
                float[] a = java.util.Arrays.copyOfRange(after, row * 128, row * 128 + 128);
                float[] b = java.util.Arrays.copyOfRange(before, row * 128, row * 128 + 128);
                if (row < B) {
                    // The batch's ids are 0..B-1: stored rows moved and are unit length.
                    assertFalse(java.util.Arrays.equals(a, b), "row " + row);
                    double norm = 0;
                    for (float x : a) {
                        norm += x * x;
                    }
                    assertEquals(1.0, norm, 1e-4);
                } else {
                    assertArrayEquals(b, a, "row " + row);
                }
            }
            // A resumed run: a fresh distiller with every parameter of the block copied over (as the loop's restore
            // does) computes the next step exactly as the original; without the banks it would not.
            Setup restored = setup(m2, "vit", "resnet18", config, false);
            copyAll(s.distiller().modules(), restored.distiller().modules());
            copyAll(s.student(), restored.student());
            Setup fresh = setup(m3, "vit", "resnet18", config, false);
            copyAll(s.student(), fresh.student());
            Map<String, Float> next = terms(s);
            assertEquals(next, terms(restored));
            assertNotEquals(next.get("cakd-nce-ts"), terms(fresh).get("cakd-nce-ts"));
        }
    }

    private static void copyAll(ai.djl.nn.Block from, ai.djl.nn.Block to) {
        List<Parameter> a = from.getParameters().values();
        List<Parameter> b = to.getParameters().values();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            a.get(i).getArray().copyTo(b.get(i).getArray());
        }
    }

    @Test
    void inBatchModeHasNoBanks() {
        try (NDManager m = NDManager.newBaseManager()) {
            Setup s = setup(m, "vit", "resnet18", CakdConfig.of(spec("vit"), spec("resnet18")), false);
            assertEquals("in-batch", s.distiller().config().infoNceMode());
            assertTrue(s.distiller().modules().bankTeacher().isEmpty());
            assertTrue(s.distiller().modules().getParameters().keys().stream().noneMatch(k -> k.contains("bank")));
        }
    }

    @Test
    void configValidationNamesTheField() {
        CakdConfig ok = CakdConfig.defaults();
        assertEquals(0.07, ok.initialTemperature());
        assertEquals(1.0, ok.ofaEps());
        assertEquals(128, ok.projectionDim());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CakdConfig(ok.teacher(),
                ok.student(), "image", "stage3", 128, 0.07, true, false, -1.0, 1.0, 1, 1, 1, 1, 1, false, 1, true,
                "student-only", false, false, false, "mean-tokens", 0, "in-batch", 50_000, 16_384, 0.5, 0, "none",
                false));
        assertTrue(e.getMessage().contains("'ofaEps'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CakdConfig(ok.teacher(), ok.student(), "image",
                "stage3", 128, 0.07, true, false, 1.0, 1.0, 1, 1, 1, 1, 1, false, 1, true, "teacher", false, false,
                false, "mean-tokens", 0, "in-batch", 50_000, 16_384, 0.5, 0, "none", false));
        assertTrue(e.getMessage().contains("fusionToStudentGradient") && e.getMessage().contains("both"));
        e = assertThrows(IllegalArgumentException.class, () -> ok.withInfoNceMode("bank", 100, 10, 0.5));
        assertTrue(e.getMessage().contains("'infoNceMode'") && e.getMessage().contains("memory-bank"));
        e = assertThrows(IllegalArgumentException.class, () -> ok.withInfoNceMode("memory-bank", 100, 100, 0.5));
        assertTrue(e.getMessage().contains("'memoryBankNegatives'") && e.getMessage().contains("99"));
        e = assertThrows(IllegalArgumentException.class, () -> ok.withInfoNceMode("memory-bank", 100, 10, 1.0));
        assertTrue(e.getMessage().contains("'memoryBankMomentum'"));
        assertEquals(16_384, ok.memoryBankNegatives());
        assertEquals(0.5, ok.memoryBankMomentum());
        e = assertThrows(IllegalArgumentException.class, () -> CakdConfig.of(ModelSpec.of("vit", 10, 32),
                ModelSpec.of("resnet18", 100, 32)));
        assertTrue(e.getMessage().contains("numClasses"));
        e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.of("swin", 10, 32));
        assertTrue(e.getMessage().contains("architecture") && e.getMessage().contains("mlp-mixer"));
    }
}
