package dev.perennial.example;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import dev.perennial.models.nn.Owned;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LabelMix;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskData;
import dev.perennial.spi.TaskInfo;
import java.util.Random;

/**
 * {@code example-linear}: a linear softmax classifier on the flattened {@code image} input,
 * {@code p(y | x) = softmax(W·flatten(x) + b)}, trained by the shared loop on the cross-entropy it returns.
 *
 * <p>It is deliberately naive continual learning (plain fine-tuning of one head over all classes), so it
 * forgets; its purpose is to show the shape of a learner:
 * <ul>
 *   <li>the model is a DJL {@link Block}, built and initialized in the constructor from the plugin-lifetime
 *       manager, so {@link #model()} is ready before the first {@link #beforeTask};</li>
 *   <li>{@link #loss} only computes: it returns named terms (here one, {@value #LOSS_TERM}), the logits for
 *       distillers and the per-sample loss for curriculum samplers; it never opens a gradient collector nor
 *       steps an optimizer, and every array it makes lives in the step's manager (its inputs' manager);</li>
 *   <li>inputs are checked before they reach native code, with messages that name the plugin and the fix.</li>
 * </ul>
 * Everything else (optimizer, schedule, devices, checkpoints of the model's parameters) is the loop's.
 */
public final class LinearSoftmaxLearner implements Learner {

    /** The name of the loss term; an experiment may weight it under this name. */
    public static final String LOSS_TERM = "cross-entropy";

    /** The name of the output distillers read. */
    public static final String LOGITS = "logits";

    private static final String INPUT = "image";

    private final int classes;
    private final long inputSize;
    private final SequentialBlock model;
    private final ParameterStore parameters;

    /**
     * Builds and initializes the classifier.
     *
     * @param classes the number of outputs, at least 1
     * @param inputSize values per example, at least 1
     * @param initStd standard deviation of the initial weights
     * @param seed seeds the initial weights, so a run with the same seed starts from the same model
     * @param manager the plugin-lifetime manager that owns the parameters
     */
    LinearSoftmaxLearner(int classes, long inputSize, double initStd, long seed, NDManager manager) {
        if (classes < 1 || inputSize < 1 || (long) classes * inputSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("example-linear: needs classes >= 1 and inputSize >= 1 with"
                    + " classes * inputSize < 2^31, got classes=" + classes + ", inputSize=" + inputSize);
        }
        this.classes = classes;
        this.inputSize = inputSize;
        Linear linear = Linear.builder().setUnits(classes).build();
        linear.setInitializer(new SeededGaussian(seed, initStd), Parameter.Type.WEIGHT);
        this.model = new SequentialBlock().add(Blocks.batchFlattenBlock()).add(linear);
        model.initialize(manager, DataType.FLOAT32, new Shape(1, inputSize));
        this.parameters = new ParameterStore(manager, false);
    }

    /**
     * The number of classes the head predicts.
     *
     * @return the class count
     */
    public int classes() {
        return classes;
    }

    /** Nothing to grow or freeze per task; only checks that the task's classes fit the head. */
    @Override
    public void beforeTask(TaskInfo task, TaskData data) {
        for (int c : task.classes()) {
            if (c < 0 || c >= classes) {
                throw new IllegalArgumentException("example-linear: task '" + task.name() + "' has class " + c
                        + " but the classifier has " + classes + " outputs (classes 0.." + (classes - 1)
                        + "); set 'classes' larger");
            }
        }
    }

    @Override
    public Block model() {
        return model;
    }

    /**
     * Cross-entropy of the batch: per sample {@code ℓ_i = −log softmax(z_i)[y_i]}; for a mixed batch
     * ({@link LabelMix}) {@code ℓ_i = w_i·(−log p[y_i]) + (1 − w_i)·(−log p[y₂_i])}; the term is the mean of
     * {@code ℓ_i}.
     */
    @Override
    public LossTerms loss(Batch batch, StepContext step) {
        NDArray logits = logits(batch, true);
        NDArray logProbabilities = logits.logSoftmax(1);
        NDArray perSample = negativeLogLikelihood(logProbabilities, checkedLabels(batch.requireLabels(), "labels", batch));
        if (batch.labelMix().isPresent()) {
            LabelMix mix = batch.labelMix().get();
            NDArray w = checkedWeights(mix.weights(), batch);
            NDArray second = negativeLogLikelihood(logProbabilities,
                    checkedLabels(mix.secondLabels(), "labelMix.secondLabels", batch));
            perSample = perSample.mul(w).add(second.mul(w.neg().add(1f)));
        }
        return LossTerms.of(LOSS_TERM, perSample.mean())
                .withOutput(LOGITS, logits)
                .withPerSampleLoss(perSample);
    }

    /** The class probabilities {@code softmax(z)}; the predicted class is their arg-max. */
    @Override
    public Predictions predict(Batch batch, StepContext step) {
        return Predictions.ofScores(logits(batch, false).softmax(1));
    }

    private NDArray logits(Batch batch, boolean training) {
        NDArray image = batch.input(INPUT);
        if (image.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("example-linear: input 'image' must be float32, is "
                    + image.getDataType());
        }
        Shape shape = image.getShape();
        long perExample = shape.dimension() < 2 ? -1 : shape.slice(1).size();
        if (perExample != inputSize) {
            throw new IllegalArgumentException("example-linear: input 'image' has shape " + shape + " ("
                    + perExample + " values per example) but the classifier was sized for " + inputSize
                    + "; set 'inputSize' or check the scenario's image shape");
        }
        return model.forward(parameters, new NDList(image), training).singletonOrThrow();
    }

    /** {@code −Σ_k onehot(y)_k · log p_k} per sample. */
    private NDArray negativeLogLikelihood(NDArray logProbabilities, NDArray labels) {
        return logProbabilities.mul(labels.oneHot(classes)).sum(new int[] {1}).neg();
    }

    private NDArray checkedLabels(NDArray labels, String what, Batch batch) {
        if (!labels.getDataType().isInteger()) {
            throw new IllegalArgumentException("example-linear: " + what + " must be integer class ids, are "
                    + labels.getDataType());
        }
        if (labels.getShape().dimension() != 1 || labels.getShape().get(0) != batch.size()) {
            throw new IllegalArgumentException("example-linear: " + what + " have shape " + labels.getShape()
                    + "; expected (" + batch.size() + ")");
        }
        NDArray ids = labels.toType(DataType.INT64, false);
        // oneHot silently gives an all-zero row for an id outside [0, classes): the loss would be wrong, not fail.
        long min = ids.min().getLong();
        long max = ids.max().getLong();
        if (min < 0 || max >= classes) {
            throw new IllegalArgumentException("example-linear: " + what + " of task " + batch.task()
                    + " range over [" + min + ", " + max + "] but the classifier has " + classes
                    + " outputs; set 'classes' to at least " + (max + 1));
        }
        return ids;
    }

    private static NDArray checkedWeights(NDArray weights, Batch batch) {
        if (weights.getShape().dimension() != 1 || weights.getShape().get(0) != batch.size()) {
            throw new IllegalArgumentException("example-linear: labelMix.weights have shape " + weights.getShape()
                    + "; expected (" + batch.size() + ")");
        }
        return weights.toType(DataType.FLOAT32, false);
    }

    /**
     * Draws weights from {@code N(0, std²)} with {@link Random} seeded by the plugin's seed: the same seed gives
     * the same model on every engine and device, without touching the engine's global random state.
     */
    private record SeededGaussian(long seed, double std) implements Initializer {
        @Override
        public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
            Random random = new Random(seed);
            float[] values = new float[Math.toIntExact(shape.size())];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextGaussian() * std);
            }
            // Owned: an array that owns its memory; manager.create(float[]) would wrap a Java buffer that only the
            // NDArray object keeps alive (docs/plugin-authors.md, "Native memory: who owns an array").
            return Owned.as(Owned.floats(manager, values, shape), dataType);
        }
    }
}
