package dev.perennial.continual.replay;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.perennial.continual.net.BackboneConfig;
import dev.perennial.continual.net.ClassifierNet;
import dev.perennial.models.nn.Owned;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LabelMix;
import dev.perennial.spi.Learner;
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
import java.util.SplittableRandom;

/**
 * The common part of the rehearsal learners: a single-head {@link ClassifierNet} over every class of the scenario,
 * the classes seen so far, prediction by arg-max over the seen classes, and the state layout. Unlike the
 * baselines' masked cross-entropy, training losses here span all C head units (specs/replay.md §2.2, §4: Mammoth
 * does not mask in Class-IL).
 */
abstract class RehearsalLearner implements Learner {
    /** Added to the logits of unseen classes at prediction. */
    private static final float MASKED = -1e9f;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    protected final PluginContext context;
    protected final ScenarioInfo scenario;
    protected final String pluginName;
    protected ClassifierNet net;
    protected final ParameterStore parameters;
    protected final BackboneConfig backboneConfig;
    protected final Shape inputShape;
    private final boolean[] seen;
    private boolean initialized;

    RehearsalLearner(PluginContext context, BackboneConfig backbone, String pluginName) {
        this.context = context;
        this.pluginName = pluginName;
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
        this.net = new ClassifierNet(backbone.build(), scenario.classCount());
        this.parameters = new ParameterStore(context.manager(), false);
        this.seen = new boolean[scenario.classCount()];
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
        for (int c : task.classes()) {
            if (c < 0 || c >= seen.length) {
                throw new IllegalArgumentException(pluginName + ": task " + task.name() + " has class " + c
                        + " outside 0.." + (seen.length - 1));
            }
        }
        onBeforeTask(task, data);
        for (int c : task.classes()) {
            seen[c] = true;
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

    /**
     * Features and logits of one pass of the current network.
     *
     * @param images (B, C, H, W)
     * @param training training mode
     * @return {@code features} then {@code logits}
     */
    protected final NDList forward(NDArray images, boolean training) {
        return net.featuresAndLogits(parameters, images, training);
    }

    /**
     * Class scores: the logits, with classes not seen yet at −10⁹. Scores rather than class ids, so that a
     * task-aware metric ({@code task-accuracy}, task-incremental evaluation) can restrict the arg-max to the task's
     * classes.
     */
    @Override
    public Predictions predict(Batch batch, StepContext step) {
        NDArray logits = masked(forward(batch.input("image"), false).get(1), seen);
        return Predictions.ofScores(logits);
    }

    /**
     * Per-sample softmax cross-entropy {@code −log softmax(z)_y} over every unit, with a batch's label mix
     * ({@code w · CE(z, y) + (1 − w) · CE(z, y₂)}).
     *
     * @param logits (B, C)
     * @param labels (B) class ids
     * @param mix the label mix of these rows, if any
     * @return (B) losses
     */
    static NDArray crossEntropy(NDArray logits, NDArray labels, java.util.Optional<LabelMix> mix) {
        NDArray logp = logits.logSoftmax(1);
        NDArray first = pick(logp, labels);
        if (mix.isEmpty()) {
            return first;
        }
        NDArray second = pick(logp, mix.get().secondLabels());
        NDArray w = mix.get().weights().toType(first.getDataType(), false);
        return first.mul(w).add(second.mul(w.neg().add(1)));
    }

    private static NDArray pick(NDArray logp, NDArray labels) {
        NDArray index = labels.toType(DataType.INT64, false).reshape(-1, 1);
        return logp.gather(index, 1).reshape(-1).neg();
    }

    /**
     * Rows {@code from..to-1} of an array.
     *
     * @param a the array
     * @param from first row
     * @param to end row, exclusive
     * @return the rows (a view that keeps the graph)
     */
    static NDArray rows(NDArray a, long from, long to) {
        return a.get(new NDIndex(from + ":" + to));
    }

    /**
     * Checks that a batch's labels are class ids of the head, before they reach native code (DJL's gather on an
     * out-of-range id fails deep inside libtorch).
     *
     * @param labels the labels
     * @return the labels as longs
     */
    protected final long[] checkedLabels(NDArray labels) {
        long[] y = labels.toType(DataType.INT64, false).toLongArray();
        for (long v : y) {
            if (v < 0 || v >= seen.length) {
                throw new IllegalArgumentException(pluginName + ": label " + v + " is outside the head's classes 0.."
                        + (seen.length - 1));
            }
        }
        return y;
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

    /**
     * A seed derived from a step seed for one purpose (SplitMix64 finaliser), so the learner's random streams of a
     * step are independent and repeat on resume.
     *
     * @param base the step's seed
     * @param purpose which stream
     * @return the seed
     */
    static long derive(long base, int purpose) {
        return new SplittableRandom(base + purpose * GOLDEN).nextLong();
    }

    @Override
    public PluginState saveState(StepContext step) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("seenClasses", PluginState.classes(seen));
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        saveExtra(values, tensors, step.manager());
        return new PluginState(1, tensors, values);
    }

    @Override
    public void loadState(PluginState state) {
        state.requireSchema(pluginName, 1);
        ensureInitialized();
        System.arraycopy(state.classMask("seenClasses", seen.length), 0, seen, 0, seen.length);
        loadExtra(state);
    }

    /**
     * Adds the learner's state.
     *
     * @param values plain values
     * @param tensors tensors
     * @param manager the manager of new tensors
     */
    protected abstract void saveExtra(Map<String, Object> values, Map<String, NDArray> tensors, NDManager manager);

    /**
     * Restores the learner's state.
     *
     * @param state the state
     */
    protected abstract void loadExtra(PluginState state);

    /**
     * A frozen copy of the current network, in the plugin's manager.
     *
     * @return the copy
     */
    protected final ClassifierNet snapshot() {
        ClassifierNet copy = new ClassifierNet(backboneConfig.build(), scenario.classCount());
        copy.initialize(context.manager(), DataType.FLOAT32, inputShape);
        List<Parameter> a = net.getParameters().values();
        List<Parameter> b = copy.getParameters().values();
        for (int i = 0; i < a.size(); i++) {
            a.get(i).getArray().copyTo(b.get(i).getArray());
        }
        copy.freezeParameters(true);
        return copy;
    }
}
