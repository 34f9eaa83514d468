package dev.perennial.distillation.cakd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import dev.perennial.distillation.ModelSpec;
import dev.perennial.distillation.TestSteps;
import dev.perennial.distillation.TokenPooling;
import dev.perennial.distillation.assistant.StageSplit;
import dev.perennial.models.Backbone;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.models.io.TensorSource;
import dev.perennial.models.io.WeightLoader;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LossTerms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Only the student is kept for inference; the assistant and projectors are dropped at export" (issue #7): after
 * cakd training, the student's exported checkpoint holds the student's tensors and nothing of the distiller, and a
 * student rebuilt from it alone predicts exactly as the trained one.
 */
class StudentExportTest {
    private static final int CLASSES = 5;
    private static final int SIZE = 16;

    @Test
    void theExportedStudentHoldsNoDistillerTensorsAndPredictsAlone(@TempDir Path dir) throws Exception {
        export(dir, "vit", "resnet18", false);
    }

    @Test
    void aStudentWhoseStage4TheAssistantSharesExportsTheSame(@TempDir Path dir) throws Exception {
        // CNN teacher, ViT student, the student's own backbone given: the assistant's stage 4 + head are the
        // student's instances; they belong to the student and are exported with it, nothing else is.
        export(dir, "resnet18", "vit", true);
    }

    private static void export(Path dir, String teacherArch, String studentArch, boolean share) throws Exception {
        ModelSpec teacherSpec = CakdDistillerTest.spec(teacherArch);
        ModelSpec studentSpec = CakdDistillerTest.spec(studentArch);
        CakdConfig config = CakdConfig.of(teacherSpec, studentSpec).withInfoNceMode("memory-bank", 8, 4, 0.5);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            Backbone student = studentSpec.build();
            student.initialize(m, DataType.FLOAT32, new Shape(1, 3, SIZE, SIZE));
            CakdDistiller distiller = new CakdDistiller(config, m, share ? Optional.of(student) : Optional.empty());
            distiller.initialize();
            ParameterStore ps = new ParameterStore(m, false);
            NDArray images = m.randomUniform(0f, 1f, new Shape(4, 3, SIZE, SIZE));
            NDArray labels = m.create(new long[] {0, 1, 2, 3});
            Batch batch = TestSteps.batch(images, labels);
            // One SGD step on student + distiller, so that both differ from their initial values.
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                LossTerms st = CakdDistillerTest.studentTerms(student, ps, images, labels);
                NDArray total = st.terms().get("ce");
                for (NDArray t : distiller.loss(batch, st, TestSteps.training(m)).terms().values()) {
                    total = total.add(t);
                }
                c.backward(total);
            }
            List<Parameter> all = new ArrayList<>(student.getParameters().values());
            all.addAll(distiller.modules().getParameters().values());
            Set<Parameter> stepped = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Parameter p : all) {
                if (p.requiresGradient() && stepped.add(p)) {
                    p.getArray().subi(p.getArray().getGradient().mul(0.1f));
                }
            }

            Path file = dir.resolve("student.safetensors");
            Checkpoints.save(student, file);
            Set<String> studentNames = ParameterNames.of(student).keySet();
            try (TensorSource saved = Checkpoints.open(file)) {
                assertEquals(studentNames, saved.names());
                for (String name : saved.names()) {
                    assertFalse(name.matches(".*(proj_teacher|proj_student|proj_fusion|log_tau|bank_|projector).*"),
                            name);
                }
            }
            // The distiller's own parameters (L2G projector, heads g_X, logτ, banks) are not the student's.
            Set<Parameter> studentParams = Collections.newSetFromMap(new IdentityHashMap<>());
            studentParams.addAll(student.getParameters().values());
            List<Parameter> own = new ArrayList<>(distiller.modules().fusion().projector().getParameters().values());
            own.addAll(distiller.modules().projStudent().getParameters().values());
            own.addAll(distiller.modules().projTeacher().getParameters().values());
            own.addAll(distiller.modules().projFusion().getParameters().values());
            own.add(distiller.modules().logTauTeacherStudent());
            own.add(distiller.modules().bankStudent().orElseThrow());
            for (Parameter p : own) {
                assertFalse(studentParams.contains(p), p.getName());
            }
            // The distiller's block (what the loop checkpoints for it) never holds the student's parameters; when the
            // assistant runs the student's stage 4, it runs the student's own instance.
            assertTrue(distiller.modules().getParameters().values().stream().noneMatch(studentParams::contains));
            assertEquals(share, distiller.modules().fusion().back().model() == student);

            // Inference: a student rebuilt from the file alone, no distiller, gives the trained student's logits.
            Backbone rebuilt = studentSpec.build();
            rebuilt.initialize(m, DataType.FLOAT32, new Shape(1, 3, SIZE, SIZE));
            try (TensorSource saved = Checkpoints.open(file)) {
                WeightLoader.strict().ignoring(WeightLoader.NUM_BATCHES_TRACKED).load(saved, rebuilt);
            }
            NDArray expected = StageSplit.of(student, TokenPooling.CLS).full(ps, images, false).logits();
            NDArray actual = StageSplit.of(rebuilt, TokenPooling.CLS).full(ps, images, false).logits();
            assertArrayEquals(expected.toFloatArray(), actual.toFloatArray());
            assertTrue(Files.size(file) > 0);
        }
    }
}
