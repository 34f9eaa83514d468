package dev.perennial.benchmarks.distillation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import dev.perennial.api.data.ImageFolderConfig;
import dev.perennial.benchmarks.PngFixtures;
import dev.perennial.distillation.FrozenTeacher;
import dev.perennial.distillation.ModelSpec;
import dev.perennial.models.Backbone;
import dev.perennial.models.io.Checkpoints;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cakd scores its assistant (fusion) model in the run ({@code AuxiliaryModels}): report.json's
 * {@code cakd.assistant} matrix equals what {@link AssistantAccuracy} computes after the run by rebuilding student
 * and distiller from the last checkpoint, and the term summaries list cakd's terms beside the student's.
 */
class CakdAssistantReportTest {
    @TempDir
    Path tmp;

    @Test
    void theAssistantsMatrixInTheReportEqualsTheReloadedAssistantsAccuracy() throws Exception {
        Path data = PngFixtures.imageFolder(tmp.resolve("data"), List.of("a", "b", "c", "d"), 6, 5, 16, 3);
        Map<String, Object> student = Map.of("architecture", "resnet18", "numClasses", 4, "imageSize", 16,
                "width", 2);
        Map<String, Object> teacher = new LinkedHashMap<>(Map.of("architecture", "resnet18", "numClasses", 4,
                "imageSize", 16, "width", 4));
        // A teacher from a file, as the benchmarks' (a random one would be drawn again by the reload).
        Path teacherFile = tmp.resolve("teacher.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            ModelSpec spec = new ModelSpec("resnet18", 4, 16, 3, 4, 1.0, 0, 0, 0, true, "", "");
            Backbone t = spec.build();
            t.initialize(m, DataType.FLOAT32, FrozenTeacher.inputShape(spec));
            Checkpoints.save(t, teacherFile);
        }
        teacher.put("checkpoint", teacherFile.toString());
        Map<String, Object> cakd = Map.of("teacher", teacher, "student", student, "projectionDim", 8);
        RunReport r = Perennial.builder()
                .name("cakd-assistant")
                .seed(4)
                .dataset("image-folder", Map.of("path", data.toString(), "height", 16, "width", 16))
                .scenario("class-incremental", Map.of("increment", 4))
                .learner("distill-student", Map.of("model", student))
                .distiller("cakd", cakd)
                .metric("accuracy", Map.of())
                .training(Map.of("epochs", 2, "batchSize", 8, "learningRate", 0.05, "dataWorkers", 1,
                        "logEverySteps", 1))
                .runDirectory(tmp.resolve("run"))
                .build()
                .run();
        double[][] assistant = r.otherMetrics().get("cakd.assistant");
        assertEquals(1, assistant.length, "one task, one row: " + r.otherMetrics().keySet());
        AssistantAccuracy reloaded = AssistantAccuracy.evaluate(Path.of(r.runDirectory()), student, cakd,
                new ImageFolderConfig(data.toString(), 3, 16, 16, 0), 7);
        assertEquals(r.score(0, 0), reloaded.student(), 1e-12, "the reload reproduces the student");
        assertEquals(reloaded.assistant(), assistant[0][0], 1e-12);
        assertTrue(r.lossTerms().get(0).mean().keySet().containsAll(List.of("ce", "cakd-nce-ts", "cakd-ofa-fs")),
                "terms " + r.lossTerms().get(0).mean().keySet());
    }
}
