package dev.perennial.benchmarks.distillation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.api.checkpoint.CheckpointStore;
import dev.perennial.api.config.ConfigBinder;
import dev.perennial.api.data.ImageFolder;
import dev.perennial.api.data.ImageFolderConfig;
import dev.perennial.distillation.FrozenTeacher;
import dev.perennial.distillation.TokenPooling;
import dev.perennial.distillation.assistant.FusionLayout;
import dev.perennial.distillation.assistant.StageSplit;
import dev.perennial.distillation.cakd.CakdConfig;
import dev.perennial.distillation.cakd.CakdDistiller;
import dev.perennial.models.Backbone;
import dev.perennial.models.nn.Owned;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import dev.perennial.spi.LossTerms;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Scores a finished {@code cakd} run's assistant (fusion) model on the test split, next to the student, from the
 * run's last checkpoint (cakd.md §4 item 8: report student, fusion and teacher accuracy). The loop evaluates only
 * the learner's predictions, and the assistant is dropped with the distiller when the run ends, so the
 * benchmark rebuilds the student and the distiller from their configurations, copies the checkpointed tensors
 * ({@code learner/...}, {@code distiller-cakd/...}) into them and runs the test images through both. The student's
 * accuracy computed here must equal the loop's: that checks the reload.
 *
 * @param student top-1 of the student recomputed from the checkpoint
 * @param assistant top-1 of the fusion model p_F
 */
public record AssistantAccuracy(double student, double assistant) {

    /**
     * Evaluates a run.
     *
     * @param runDirectory the run's folder (the report's {@code runDirectory})
     * @param studentSpec the learner's {@code model} configuration
     * @param cakdConfig the distiller's configuration as given to the run
     * @param data the test data's configuration (same as the run's data set)
     * @param batchSize evaluation batch size
     * @return both accuracies
     * @throws IllegalStateException when the run has no checkpoint or the checkpoint does not fit
     */
    public static AssistantAccuracy evaluate(Path runDirectory, Map<String, Object> studentSpec,
            Map<String, Object> cakdConfig, ImageFolderConfig data, int batchSize) {
        Path checkpoint = new CheckpointStore(runDirectory).latest().orElseThrow(() -> new IllegalStateException(
                runDirectory + " has no checkpoint to read the assistant from"));
        return evaluateCheckpoint(checkpoint, studentSpec, cakdConfig, data, batchSize);
    }

    /**
     * Evaluates one checkpoint of a run (e.g. from {@code RunListener.onCheckpoint}, for accuracy over training).
     *
     * @param checkpoint the checkpoint's folder (holding {@code model.safetensors})
     * @param studentSpec the learner's {@code model} configuration
     * @param cakdConfig the distiller's configuration as given to the run
     * @param data the test data's configuration
     * @param batchSize evaluation batch size
     * @return both accuracies
     */
    public static AssistantAccuracy evaluateCheckpoint(Path checkpoint, Map<String, Object> studentSpec,
            Map<String, Object> cakdConfig, ImageFolderConfig data, int batchSize) {
        ObjectMapper json = new ObjectMapper();
        CakdConfig config = ConfigBinder.bind(json.valueToTree(cakdConfig), CakdConfig.class, CakdConfig.defaults(),
                "cakd (assistant evaluation)");
        try (NDManager manager = NDManager.newBaseManager()) {
            Backbone student = config.student().build();
            Shape input = FrozenTeacher.inputShape(config.student());
            student.initialize(manager, DataType.FLOAT32, input);
            CakdDistiller distiller = new CakdDistiller(config, manager, Optional.empty());
            distiller.initialize();
            if (distiller.layout().front() != FusionLayout.Side.STUDENT) {
                throw new IllegalStateException("assistant evaluation reads the student's stage 3; the layout "
                        + distiller.layout() + " takes it from the teacher");
            }
            try (NDManager temp = manager.newSubManager()) {
                Map<String, NDArray> saved = CheckpointStore.readTensors(checkpoint.resolve("model.safetensors"), temp);
                load(student.getParameters(), "learner/", saved, checkpoint);
                load(distiller.modules().getParameters(), "distiller-cakd/", saved, checkpoint);
            }
            StageSplit split = StageSplit.of(student, TokenPooling.CLS);
            ParameterStore store = new ParameterStore(manager, false);
            long studentCorrect = 0;
            long assistantCorrect = 0;
            try (ImageFolder folder = ImageFolder.open(data)) {
                DatasetSplit test = folder.test();
                for (int start = 0; start < test.size(); start += batchSize) {
                    int n = Math.min(batchSize, test.size() - start);
                    try (NDManager step = manager.newSubManager()) {
                        long[] labels = new long[n];
                        NDArray images = images(test, start, n, labels, step);
                        NDArray stage3 = split.front(store, images, false);
                        NDArray studentLogits = split.back(store, stage3, false).logits();
                        NDArray fusionLogits = distiller.fusionKnowledge(images,
                                LossTerms.none().withOutput(config.studentStageOutput(), stage3), false).logits();
                        NDArray y = Owned.longs(step, labels);
                        studentCorrect += studentLogits.argMax(1).eq(y).sum().getLong();
                        assistantCorrect += fusionLogits.argMax(1).eq(y).sum().getLong();
                    }
                }
                return new AssistantAccuracy((double) studentCorrect / test.size(),
                        (double) assistantCorrect / test.size());
            }
        }
    }

    private static void load(ai.djl.util.PairList<String, Parameter> params, String prefix,
            Map<String, NDArray> saved, Path checkpoint) {
        for (Pair<String, Parameter> p : params) {
            NDArray a = saved.get(prefix + p.getKey());
            if (a == null) {
                throw new IllegalStateException(checkpoint + " has no tensor '" + prefix + p.getKey()
                        + "'; was the run made with another configuration?");
            }
            a.copyTo(p.getValue().getArray());
        }
    }

    private static NDArray images(DatasetSplit split, int start, int n, long[] labels, NDManager manager) {
        long[] shape = null;
        float[] all = null;
        for (int i = 0; i < n; i++) {
            Example e = split.get(start + i);
            labels[i] = e.label().orElseThrow(() -> new IllegalStateException("test example " + e.id()
                    + " has no label"));
            Feature.Floats f = (Feature.Floats) e.features().get("image");
            if (shape == null) {
                shape = f.shape();
                all = new float[n * f.values().length];
            }
            System.arraycopy(f.values(), 0, all, i * f.values().length, f.values().length);
        }
        long[] full = new long[shape.length + 1];
        full[0] = n;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return Owned.floats(manager, all, new Shape(full));
    }
}
