package dev.perennial.continual.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.perennial.continual.net.BackboneConfig;
import dev.perennial.continual.net.ClassifierNet;
import dev.perennial.models.nn.Owned;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The common part of single-head class-incremental learners: a {@link ClassifierNet} over all the scenario's
 * classes whose logits for classes not seen yet are masked out (−∞) in training and prediction, cross-entropy on
 * the current batch, and the bookkeeping of seen classes. Subclasses add their regularisation terms and state.
 */
abstract class ClassIncrementalLearner implements Learner {
    /** Added to the logits of unseen classes: large enough to zero their softmax, small enough to stay finite. */
    private static final float MASKED = -1e9f;

    protected final PluginContext context;
    protected final ScenarioInfo scenario;
    protected final ClassifierNet net;
    protected final ParameterStore parameters;
    private final BackboneConfig backboneConfig;
    private final String pluginName;
    private final Shape inputShape;
    private final boolean[] seen;
    private final boolean[] current;
    private boolean initialized;

    ClassIncrementalLearner(PluginContext context, BackboneConfig backbone, String pluginName) {
        this.context = context;
        this.scenario = context.scenario().orElseThrow(() -> new IllegalStateException(pluginName
                + " needs a scenario: create it inside a run"));
        long[] image = scenario.featureShapes().get("image");
        if (image == null || image.length != 3) {
            throw new IllegalArgumentException(pluginName + " needs an 'image' feature of shape C×H×W; the data set"
                    + " gives " + scenario.featureShapes().keySet());
        }
        backbone.checkImage(image, pluginName);
        this.inputShape = new Shape(1, image[0], image[1], image[2]);
        this.backboneConfig = backbone;
        this.pluginName = pluginName;
        this.net = new ClassifierNet(backbone.build(), scenario.classCount());
        this.parameters = context.parameterStore();
        this.seen = new boolean[scenario.classCount()];
        this.current = new boolean[scenario.classCount()];
    }

    /** Initializes the network once (the loop has seeded the engine before the first beforeTask). */
    protected final void ensureInitialized() {
        if (!initialized) {
            net.initialize(context.manager(), DataType.FLOAT32, inputShape);
            backboneConfig.prepare(net.backbone(), pluginName);
            initialized = true;
        }
    }

    @Override
    public final void beforeTask(TaskInfo task, TaskData data) {
        ensureInitialized();
        onBeforeTask(task, data);
        java.util.Arrays.fill(current, false);
        for (int c : task.classes()) {
            if (c < 0 || c >= seen.length) {
                throw new IllegalArgumentException("task " + task.name() + " has class " + c + " outside 0.."
                        + (seen.length - 1));
            }
            seen[c] = true;
            current[c] = true;
        }
    }

    /**
     * Runs before the task's classes are marked seen (old-model snapshots belong here).
     *
     * @param task the task
     * @param data its data
     */
    protected void onBeforeTask(TaskInfo task, TaskData data) {}

    @Override
    public Block model() {
        return net;
    }

    @Override
    public LossTerms loss(Batch batch, StepContext step) {
        NDList out = net.featuresAndLogits(parameters, batch.input("image"), true);
        NDArray logits = masked(out.get(1), crossEntropyClasses());
        NDArray perSample = CrossEntropy.perSample(logits, batch);
        LossTerms terms = LossTerms.of("ce", perSample.mean())
                .withOutput("features", out.get(0))
                .withOutput("logits", out.get(1))
                .withPerSampleLoss(perSample);
        return terms.plus(regularisation(batch, out.get(1), step));
    }

    /**
     * The classes the cross-entropy's softmax runs over: all classes seen so far (the default), or a subset.
     *
     * @return which classes take part
     */
    protected boolean[] crossEntropyClasses() {
        return seen;
    }

    /**
     * The classes of the task being trained.
     *
     * @return the flags of the current task's classes
     */
    protected final boolean[] currentClasses() {
        return current.clone();
    }

    /**
     * The method's extra terms for a batch.
     *
     * @param batch the batch
     * @param logits the unmasked logits of the current model
     * @param step the step
     * @return terms, none by default
     */
    protected LossTerms regularisation(Batch batch, NDArray logits, StepContext step) {
        return LossTerms.none();
    }

    @Override
    public Predictions predict(Batch batch, StepContext step) {
        NDArray logits = net.featuresAndLogits(parameters, batch.input("image"), false).get(1);
        return Predictions.ofClasses(masked(logits, seen).argMax(1).toLongArray());
    }

    /**
     * Masks the logits of classes outside {@code keep}.
     *
     * @param logits (B, K)
     * @param keep which classes stay
     * @return masked logits
     */
    protected static NDArray masked(NDArray logits, boolean[] keep) {
        float[] mask = new float[keep.length];
        for (int i = 0; i < keep.length; i++) {
            mask[i] = keep[i] ? 0f : MASKED;
        }
        return logits.add(Owned.floats(logits.getManager(), mask));
    }

    /**
     * A copy of which classes have been seen.
     *
     * @return the flags
     */
    protected final boolean[] seenClasses() {
        return seen.clone();
    }

    @Override
    public PluginState saveState(StepContext step) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("seenClasses", PluginState.classes(seen));
        values.put("currentClasses", PluginState.classes(current));
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        saveExtra(values, tensors);
        return new PluginState(1, tensors, values);
    }

    @Override
    public void loadState(PluginState state) {
        state.requireSchema(pluginName, 1);
        ensureInitialized();
        System.arraycopy(state.classMask("seenClasses", seen.length), 0, seen, 0, seen.length);
        System.arraycopy(state.classMask("currentClasses", current.length), 0, current, 0, current.length);
        loadExtra(state);
    }

    /**
     * Adds the subclass's state.
     *
     * @param values plain values
     * @param tensors tensors
     */
    protected void saveExtra(Map<String, Object> values, Map<String, NDArray> tensors) {}

    /**
     * Restores the subclass's state.
     *
     * @param state the state
     */
    protected void loadExtra(PluginState state) {}

    /**
     * A frozen copy of the current network, in the plugin's manager.
     *
     * @return the copy
     */
    protected final ClassifierNet snapshot() {
        ClassifierNet copy = new ClassifierNet(backboneConfig.build(), scenario.classCount());
        copy.initialize(context.manager(), DataType.FLOAT32, inputShape);
        copyParameters(net, copy);
        copy.freezeParameters(true);
        return copy;
    }

    /**
     * Copies every parameter value from one network to another of the same structure.
     *
     * @param from the source
     * @param to the target
     */
    protected static void copyParameters(Block from, Block to) {
        List<Parameter> a = from.getParameters().values();
        List<Parameter> b = to.getParameters().values();
        for (int i = 0; i < a.size(); i++) {
            a.get(i).getArray().copyTo(b.get(i).getArray());
        }
    }

    /**
     * Re-draws the head's rows of the given classes as a freshly created PyTorch {@code nn.Linear} would draw them
     * (weights and bias uniform in ±1/√d, d the feature width), leaving every other row as it is: the head growth of
     * PyCIL's {@code IncrementalNet.update_fc}, which copies the old classes' rows into a new, freshly initialised
     * layer. Draws from the engine's random generator (the loop seeds it before each task).
     *
     * @param classes which classes get fresh rows
     */
    protected final void redrawHeadRows(boolean[] classes) {
        Block head = null;
        for (var child : net.getChildren()) {
            if (child.getKey().endsWith("head")) {
                head = child.getValue();
            }
        }
        if (head == null) {
            throw new IllegalStateException("the classifier has no child block named 'head'");
        }
        for (Parameter p : head.getParameters().values()) {
            NDArray value = p.getArray();
            long rows = value.getShape().get(0);
            if (rows != classes.length) {
                throw new IllegalStateException("head parameter " + p.getName() + " has " + rows + " rows, expected "
                        + classes.length);
            }
            long width = value.getShape().dimension() == 2 ? value.getShape().get(1) : 1;
            long fanIn = net.backbone().featureDim();
            float bound = (float) (1.0 / Math.sqrt(fanIn));
            float[] data = value.toFloatArray();
            float[] fresh;
            try (NDManager scratch = value.getManager().newSubManager()) {
                fresh = scratch.randomUniform(-bound, bound, value.getShape(), DataType.FLOAT32).toFloatArray();
            }
            for (int c = 0; c < classes.length; c++) {
                if (classes[c]) {
                    System.arraycopy(fresh, (int) (c * width), data, (int) (c * width), (int) width);
                }
            }
            try (NDManager scratch = value.getManager().newSubManager()) {
                Owned.floats(scratch, data, value.getShape()).copyTo(value);
            }
        }
    }

    /**
     * The manager for long-lived arrays.
     *
     * @return the plugin's manager
     */
    protected final NDManager manager() {
        return context.manager();
    }
}
