package dev.perennial.continual.prompt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.continual.ptm.MaskedCrossEntropy;
import dev.perennial.continual.ptm.PtmBackboneConfig;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.vit.VisionTransformer;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskData;
import dev.perennial.spi.TaskInfo;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What L2P, DualPrompt and CODA-Prompt share (prompts.md §1): a frozen pre-trained ViT ({@code ptm}, loaded from
 * {@code backbone.checkpoint}, never trained), the method's prompt parameters ({@code prompts}), one linear head over
 * all classes ({@code head}), the query {@code q(x)} = final [CLS] feature of the ViT without prompts (a second,
 * gradient-free pass), masked cross-entropy in training and the arg-max over the classes seen so far at test.
 *
 * <p>State beyond the parameters: the classes seen, the current task and the tasks finished, so a run resumed in
 * the middle of a task (where the loop does not call {@link #beforeTask} again) trains exactly as before.
 */
public abstract class PromptLearner implements Learner {
    private static final int STATE_SCHEMA = 1;

    /** The plugin name, for messages. */
    protected final String name;
    /** What the runtime lends. */
    protected final PluginContext context;
    /** The scenario. */
    protected final ScenarioInfo scenario;
    private final PtmBackboneConfig backbone;
    private final TrainLogitMask trainMask;
    private final Shape inputShape;
    private final Net net;
    private final ParameterStore store;
    private final boolean[] seen;
    private final boolean[] current;
    private boolean initialized;
    private int currentTask = -1;
    private int tasksTrained;

    /** The learner's parameters: the frozen ViT, the prompts and the head. */
    final class Net extends FixedShapeBlock {
        final VisionTransformer ptm;
        final FixedShapeBlock prompts;
        final Linear head;

        Net(FixedShapeBlock prompts) {
            this.ptm = addChildBlock("ptm", new VisionTransformer(backbone.vitConfig(false)));
            this.prompts = addChildBlock("prompts", prompts);
            this.head = addChildBlock("head", new Linear(backbone.embedDim(), scenario.classCount(), true));
        }

        @Override
        protected NDList forwardInternal(ParameterStore s, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            return new NDList(head.forward(s, feature(x, query(x), training, currentTask).feature(), training));
        }
    }

    /**
     * The prompted pass of one batch.
     *
     * @param feature (B, D), what the head reads
     * @param terms extra loss terms (key pull, orthogonality), empty outside training
     */
    protected record Prompted(NDArray feature, Map<String, NDArray> terms) {}

    /**
     * Creates the learner.
     *
     * @param name the plugin name
     * @param context what the runtime lends
     * @param backbone the pre-trained ViT (its PET setting is ignored: prompts are the only tuned module)
     * @param trainMask which logits the training cross-entropy sees
     * @param prompts the method's prompt parameters
     */
    protected PromptLearner(String name, PluginContext context, PtmBackboneConfig backbone, TrainLogitMask trainMask,
                            FixedShapeBlock prompts) {
        this.name = name;
        this.context = context;
        this.scenario = scenarioOf(context, name);
        this.backbone = backbone;
        this.trainMask = trainMask;
        this.inputShape = backbone.inputShape(scenario, name);
        this.net = new Net(prompts);
        this.store = new ParameterStore(context.manager(), false);
        this.seen = new boolean[scenario.classCount()];
        this.current = new boolean[scenario.classCount()];
    }

    /**
     * The scenario of a run, or a message saying one is needed.
     *
     * @param context the context
     * @param name the plugin name
     * @return the scenario
     */
    protected static ScenarioInfo scenarioOf(PluginContext context, String name) {
        return context.scenario().orElseThrow(() -> new IllegalStateException(name
                + " needs a scenario: create it inside a run"));
    }

    /** @return the frozen pre-trained ViT */
    public VisionTransformer ptm() {
        return net.ptm;
    }

    /** @return the linear head */
    public Linear head() {
        return net.head;
    }

    /** @return the parameter store of the learner's passes */
    protected ParameterStore store() {
        return store;
    }

    /** @return the task being trained, −1 before the first */
    protected int currentTask() {
        return currentTask;
    }

    /** @return the tasks finished ({@link #afterTask} calls) */
    protected int tasksTrained() {
        return tasksTrained;
    }

    /**
     * The method's prompted pass.
     *
     * @param x images (B, C, H, W)
     * @param query q(x), (B, D), without gradient
     * @param training whether this is a training pass (task id known: {@link #currentTask})
     * @param task the current task
     * @return the feature and extra loss terms
     */
    protected abstract Prompted feature(NDArray x, NDArray query, boolean training, int task);

    /**
     * Called once at the start of each task, after the model is initialised and before freezing: per-task
     * initialisation (DualPrompt's shared pool copy, CODA's Gram–Schmidt).
     *
     * @param task the task index
     */
    protected void initializeTask(int task) {}

    /**
     * The prompt parameters that train in a task (the ViT never trains; the head always does).
     *
     * @param task the task index
     * @return parameters of {@code prompts}
     */
    protected abstract List<Parameter> trainablePrompts(int task);

    private void ensureInitialized() {
        if (initialized) {
            return;
        }
        net.initialize(context.manager(), DataType.FLOAT32, inputShape);
        // A hook may run inside one of the loop's NDScopes; the parameters must outlive it.
        net.getParameters().values().forEach(p -> NDScope.unregister(p.getArray()));
        backbone.loadPretrained(net.ptm, name);
        initialized = true;
    }

    @Override
    public void beforeTask(TaskInfo task, TaskData data) {
        ensureInitialized();
        if (task.index() >= scenario.tasks().size()) {
            throw new IllegalArgumentException(name + ": task index " + task.index() + " is beyond the scenario's "
                    + scenario.tasks().size() + " tasks");
        }
        if (task.classes().length == 0) {
            throw new IllegalArgumentException(name + ": task " + task.name() + " has no classes; a class-incremental"
                    + " scenario is needed");
        }
        Arrays.fill(current, false);
        for (int c : task.classes()) {
            if (c < 0 || c >= seen.length) {
                throw new IllegalArgumentException(name + ": task " + task.name() + " has class " + c
                        + " outside 0.." + (seen.length - 1));
            }
            seen[c] = true;
            current[c] = true;
        }
        currentTask = task.index();
        initializeTask(currentTask);
        applyFreezing();
    }

    private void applyFreezing() {
        net.freezeParameters(true);
        if (currentTask < 0) {
            return;
        }
        for (Parameter p : trainablePrompts(currentTask)) {
            p.freeze(false);
        }
        net.head.freezeParameters(false);
    }

    @Override
    public Block model() {
        return net;
    }

    /**
     * q(x): the final class-token feature of the ViT without prompts, no gradient (prompts.md §1.1).
     *
     * @param x images
     * @return (B, D)
     */
    protected NDArray query(NDArray x) {
        return net.ptm.forwardAll(store, x, false).pooled().stopGradient();
    }

    @Override
    public LossTerms loss(Batch batch, StepContext step) {
        NDArray x = batch.input("image");
        Prompted p = feature(x, query(x), true, currentTask);
        NDArray logits = net.head.forward(store, p.feature(), true);
        NDArray masked = MaskedCrossEntropy.mask(logits, trainMask == TrainLogitMask.CURRENT_TASK ? current : seen);
        NDArray perSample = MaskedCrossEntropy.perSample(masked, batch);
        LossTerms terms = LossTerms.of("ce", perSample.mean());
        for (Map.Entry<String, NDArray> e : p.terms().entrySet()) {
            terms = terms.and(e.getKey(), e.getValue());
        }
        return terms.withOutput("features", p.feature()).withOutput("logits", logits).withPerSampleLoss(perSample);
    }

    /**
     * Logits over every class with the unseen ones masked (prompts.md P13).
     *
     * @param x images
     * @return (B, C)
     */
    public NDArray testLogits(NDArray x) {
        Prompted p = feature(x, query(x), false, currentTask);
        return MaskedCrossEntropy.mask(net.head.forward(store, p.feature(), false), seen);
    }

    @Override
    public Predictions predict(Batch batch, StepContext step) {
        return Predictions.ofScores(testLogits(batch.input("image")).softmax(1));
    }

    @Override
    public void afterTask(TaskInfo task, TaskData data) {
        tasksTrained = task.index() + 1;
    }

    @Override
    public PluginState saveState(StepContext step) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("tasksTrained", tasksTrained);
        values.put("currentTask", currentTask);
        values.put("seen", PluginState.classes(seen));
        values.put("current", PluginState.classes(current));
        return new PluginState(STATE_SCHEMA, Map.of(), values);
    }

    @Override
    public void loadState(PluginState state) {
        state.requireSchema(name, STATE_SCHEMA);
        ensureInitialized();
        tasksTrained = state.number("tasksTrained").intValue();
        currentTask = state.number("currentTask").intValue();
        System.arraycopy(state.classMask("seen", seen.length), 0, seen, 0, seen.length);
        System.arraycopy(state.classMask("current", current.length), 0, current, 0, current.length);
        applyFreezing();
    }

    /**
     * Attaches an array derived from a parameter to the manager of the pass's input (see
     * {@code FixedShapeBlock.inPassScope}).
     *
     * @param derived an array computed from a parameter
     * @param like an array of the pass
     * @return {@code derived}
     */
    protected static NDArray inPass(NDArray derived, NDArray like) {
        derived.attach(like.getManager());
        return derived;
    }

    /**
     * A parameter's value for this pass.
     *
     * @param p the parameter
     * @param like an array of the pass (device)
     * @param training whether training
     * @return the array
     */
    protected NDArray value(Parameter p, NDArray like, boolean training) {
        return store.getValue(p, like.getDevice(), training);
    }
}
