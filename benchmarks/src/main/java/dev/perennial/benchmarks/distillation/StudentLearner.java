package dev.perennial.benchmarks.distillation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.perennial.distillation.CrossEntropy;
import dev.perennial.distillation.FrozenTeacher;
import dev.perennial.distillation.Knowledge;
import dev.perennial.distillation.TokenPooling;
import dev.perennial.distillation.assistant.StageSplit;
import dev.perennial.models.Backbone;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskData;
import dev.perennial.spi.TaskInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code distill-student}: plain supervised training of a {@code models/} backbone with cross-entropy (term
 * {@code ce}), returning the outputs distillers read: {@code logits}, {@code features} (the pooled final feature),
 * {@code stage3} (the stage-3 output that {@code cakd}'s fusion model continues from) and every stage output under
 * the backbone's own stage name ({@code layer1}, {@code blocks.9}, …, read by {@code ofa}'s stage heads), all from
 * one pass; the same outputs on evaluation batches ({@link #evaluationOutputs}), so that {@code cakd} scores its
 * assistant model into the report ({@code cakd.assistant}).
 */
final class StudentLearner implements Learner {
    private final StudentLearnerConfig config;
    private final PluginContext context;
    private final Backbone model;
    private final StageSplit split;
    private final ParameterStore store;
    private boolean initialized;

    StudentLearner(StudentLearnerConfig config, PluginContext context) {
        this.config = config;
        this.context = context;
        context.scenario().ifPresent(s -> {
            if (s.classCount() != config.model().numClasses()) {
                throw new IllegalArgumentException("distill-student: model.numClasses is " + config.model()
                        .numClasses() + " but the scenario has " + s.classCount() + " classes");
            }
        });
        this.model = config.model().build();
        this.split = StageSplit.of(model, TokenPooling.CLS);
        this.store = new ParameterStore(context.manager(), false);
    }

    @Override
    public void beforeTask(TaskInfo task, TaskData data) {
        initialize();
    }

    /** A resume: builds the model so that the loop can restore its parameters (the state itself is empty). */
    @Override
    public void loadState(PluginState state) {
        initialize();
    }

    private void initialize() {
        if (!initialized) {
            model.initialize(context.manager(), DataType.FLOAT32, FrozenTeacher.inputShape(config.model()));
            initialized = true;
        }
    }

    @Override
    public Block model() {
        return model;
    }

    @Override
    public LossTerms loss(Batch batch, StepContext step) {
        NDArray images = batch.input(config.imageInput());
        StageSplit.Staged pass = split.fullWithStages(store, images, true);
        Knowledge k = pass.knowledge();
        // LossTerms names the arrays it carries, so cakd's 'stage3' is a view of the stage output rather than the
        // array that 'ofa' reads under the backbone's own stage name.
        NDArray front = pass.stages().get(split.frontStageName());
        LossTerms terms = LossTerms.of("ce", CrossEntropy.mean(k.logits(), batch, "distill-student"))
                .withOutput("logits", k.logits())
                .withOutput("features", k.features())
                .withOutput("stage3", front.reshape(front.getShape()));
        for (Map.Entry<String, NDArray> stage : pass.stages().entrySet()) {
            terms = terms.withOutput(stage.getKey(), stage.getValue());
        }
        return terms;
    }

    /** The outputs of {@link #loss} in evaluation mode, for distillers that score their own models (cakd). */
    @Override
    public LossTerms evaluationOutputs(Batch batch, StepContext step) {
        StageSplit.Staged pass = split.fullWithStages(store, batch.input(config.imageInput()), false);
        NDArray front = pass.stages().get(split.frontStageName());
        LossTerms terms = LossTerms.none()
                .withOutput("logits", pass.knowledge().logits())
                .withOutput("features", pass.knowledge().features())
                .withOutput("stage3", front.reshape(front.getShape()));
        for (Map.Entry<String, NDArray> stage : pass.stages().entrySet()) {
            terms = terms.withOutput(stage.getKey(), stage.getValue());
        }
        return terms;
    }

    @Override
    public Predictions predict(Batch batch, StepContext step) {
        NDArray logits = split.full(store, batch.input(config.imageInput()), false).logits();
        return Predictions.ofClasses(logits.argMax(1).toLongArray());
    }

    @Override
    public void afterTask(TaskInfo task, TaskData data) {
        if (config.saveTo().isEmpty()) {
            return;
        }
        Path path = Path.of(config.saveTo());
        try {
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            Checkpoints.save(model, path);
        } catch (IOException e) {
            throw new UncheckedIOException("distill-student: cannot write saveTo '" + path + "': " + e.getMessage(), e);
        }
    }
}
