package dev.perennial.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Optional;

/**
 * What a learner predicts for a batch: class ids (with optional scores) or texts.
 */
public final class Predictions {
    private final long[] classes;
    private final float[][] scores;
    private final List<String> texts;

    private Predictions(long[] classes, float[][] scores, List<String> texts) {
        this.classes = classes;
        this.scores = scores;
        this.texts = texts;
    }

    /**
     * Predicted class ids.
     *
     * @param classes one per sample
     * @return the predictions
     */
    public static Predictions ofClasses(long[] classes) {
        return new Predictions(classes.clone(), null, null);
    }

    /**
     * Class scores (e.g. probabilities); the predicted class is the arg-max of each row.
     *
     * @param scores one row per sample, one column per class
     * @return the predictions
     */
    public static Predictions ofScores(float[][] scores) {
        long[] classes = new long[scores.length];
        for (int i = 0; i < scores.length; i++) {
            int best = 0;
            for (int j = 1; j < scores[i].length; j++) {
                if (scores[i][j] > scores[i][best]) {
                    best = j;
                }
            }
            classes[i] = best;
        }
        return new Predictions(classes, scores, null);
    }

    /**
     * Class scores from a tensor of one row per sample and one column per class (any floating type; copied to
     * float32 Java arrays, so the result does not depend on the tensor's manager staying open). The tensor is not
     * closed (SPI 1.6).
     *
     * @param scores a samples × classes tensor
     * @return the predictions, as {@link #ofScores(float[][])}
     * @throws IllegalArgumentException when the tensor is not two-dimensional
     */
    public static Predictions ofScores(NDArray scores) {
        Shape shape = scores.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("class scores must be a samples × classes tensor; got shape " + shape);
        }
        int rows = Math.toIntExact(shape.get(0));
        int cols = Math.toIntExact(shape.get(1));
        float[] flat;
        if (scores.getDataType() == DataType.FLOAT32) {
            flat = scores.toFloatArray();
        } else {
            try (NDArray f = scores.toType(DataType.FLOAT32, true)) {
                flat = f.toFloatArray();
            }
        }
        float[][] out = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, out[r], 0, cols);
        }
        return ofScores(out);
    }

    /**
     * Generated texts (e.g. answers).
     *
     * @param texts one per sample
     * @return the predictions
     */
    public static Predictions ofTexts(List<String> texts) {
        return new Predictions(null, null, List.copyOf(texts));
    }

    /**
     * The number of samples.
     *
     * @return the count
     */
    public int size() {
        return classes != null ? classes.length : texts.size();
    }

    /**
     * Predicted class ids.
     *
     * @return the ids, if these are class predictions
     */
    public Optional<long[]> classes() {
        return Optional.ofNullable(classes).map(long[]::clone);
    }

    /**
     * Class scores.
     *
     * @return the scores, if given
     */
    public Optional<float[][]> scores() {
        return Optional.ofNullable(scores);
    }

    /**
     * Generated texts.
     *
     * @return the texts, if these are text predictions
     */
    public Optional<List<String>> texts() {
        return Optional.ofNullable(texts);
    }
}
