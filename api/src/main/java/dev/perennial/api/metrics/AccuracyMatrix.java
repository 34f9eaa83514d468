package dev.perennial.api.metrics;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The accuracy matrix of a continual-learning run: {@code a[i][j]} is the score on task {@code j}'s test data after
 * training task {@code i} (0-based), for a metric where higher is better (accuracy in [0, 1]). Entries with
 * {@code j ≤ i} are what every run fills; entries with {@code j > i} (tasks not trained yet) are optional and are
 * {@code NaN} until set. An optional "before training" row {@code b[j]} holds the score of the initial model on
 * task {@code j}, for forward transfer.
 *
 * <p>With T the number of tasks trained (see {@link #trainedTasks()}):
 * <ul>
 *   <li>incremental accuracy after task i: {@code A_i = 1/(i+1) Σ_{j=0..i} a[i][j]};</li>
 *   <li>average incremental accuracy (Rebuffi et al., iCaRL, 2017): {@code Ā = 1/T Σ_{i=0..T−1} A_i};</li>
 *   <li>last accuracy: {@code A_{T−1} = 1/T Σ_{j=0..T−1} a[T−1][j]};</li>
 *   <li>forgetting (Chaudhry et al., Riemannian Walk, 2018, Eq. 10 and 11):
 *       {@code f_j = max_{l=0..T−2} a[l][j] − a[T−1][j]} and {@code F = 1/(T−1) Σ_{j=0..T−2} f_j}; the max runs
 *       over the evaluated entries, so it includes {@code a[l][j]} with {@code l < j} only if they were set;</li>
 *   <li>backward transfer (Lopez-Paz and Ranzato, GEM, 2017, Eq. 3):
 *       {@code BWT = 1/(T−1) Σ_{j=0..T−2} (a[T−1][j] − a[j][j])};</li>
 *   <li>forward transfer (ibid.): {@code FWT = 1/(T−1) Σ_{j=1..T−1} (a[j−1][j] − b[j])}.</li>
 * </ul>
 * Forgetting, BWT and FWT are {@code NaN} for T = 1; FWT is {@code NaN} unless every {@code a[j−1][j]} and
 * {@code b[j]} it needs is set.
 *
 * <p>Serialised by Jackson as {@code {"tasks": T, "scores": [[...], ...], "beforeTraining": [...]}} with
 * {@code null} for entries not evaluated. Not thread-safe: the loop fills it from one thread.
 */
@JsonPropertyOrder({"tasks", "scores", "beforeTraining"})
public final class AccuracyMatrix {
    private final double[][] scores;
    private final double[] before;

    /**
     * An empty matrix.
     *
     * @param tasks the number of tasks of the scenario, at least 1
     * @throws IllegalArgumentException when {@code tasks < 1}
     */
    public AccuracyMatrix(int tasks) {
        if (tasks < 1) {
            throw new IllegalArgumentException("an accuracy matrix needs at least 1 task, was " + tasks);
        }
        scores = new double[tasks][tasks];
        for (double[] row : scores) {
            Arrays.fill(row, Double.NaN);
        }
        before = new double[tasks];
        Arrays.fill(before, Double.NaN);
    }

    /**
     * Restores a matrix from its JSON form.
     *
     * @param tasks the number of tasks
     * @param scores T rows of T entries, {@code null} where not evaluated
     * @param beforeTraining T entries or {@code null}
     * @return the matrix
     * @throws IllegalArgumentException when the sizes do not match {@code tasks}
     */
    @JsonCreator
    public static AccuracyMatrix fromJson(@JsonProperty("tasks") int tasks,
                                          @JsonProperty("scores") List<List<Double>> scores,
                                          @JsonProperty("beforeTraining") List<Double> beforeTraining) {
        AccuracyMatrix m = new AccuracyMatrix(tasks);
        if (scores != null) {
            if (scores.size() != tasks) {
                throw new IllegalArgumentException("accuracy matrix: 'scores' has " + scores.size() + " rows but "
                        + "'tasks' is " + tasks);
            }
            for (int i = 0; i < tasks; i++) {
                List<Double> row = scores.get(i);
                if (row == null || row.size() != tasks) {
                    throw new IllegalArgumentException("accuracy matrix: row " + i + " of 'scores' must have "
                            + tasks + " entries (null where not evaluated)");
                }
                for (int j = 0; j < tasks; j++) {
                    if (row.get(j) != null) {
                        m.set(i, j, row.get(j));
                    }
                }
            }
        }
        if (beforeTraining != null) {
            if (beforeTraining.size() != tasks) {
                throw new IllegalArgumentException("accuracy matrix: 'beforeTraining' must have " + tasks
                        + " entries, had " + beforeTraining.size());
            }
            for (int j = 0; j < tasks; j++) {
                if (beforeTraining.get(j) != null) {
                    m.setBeforeTraining(j, beforeTraining.get(j));
                }
            }
        }
        return m;
    }

    /**
     * A matrix from the rows evaluated so far, e.g. as a loop or a checkpoint holds them.
     *
     * @param tasks the number of tasks of the scenario
     * @param rows row i holds the scores after training task i, one per task; {@code NaN} (or a shorter row) where
     *     not evaluated; at most {@code tasks} rows
     * @param beforeTraining b[j] per task, {@code NaN} where not evaluated; may be empty
     * @return the matrix
     * @throws IllegalArgumentException when there are more rows or columns than tasks
     */
    public static AccuracyMatrix fromRows(int tasks, double[][] rows, double[] beforeTraining) {
        AccuracyMatrix m = new AccuracyMatrix(tasks);
        if (rows.length > tasks || beforeTraining.length > tasks) {
            throw new IllegalArgumentException("accuracy matrix: " + rows.length + " rows and "
                    + beforeTraining.length + " before-training scores for " + tasks + " tasks");
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length > tasks) {
                throw new IllegalArgumentException("accuracy matrix: row " + i + " has " + rows[i].length
                        + " scores for " + tasks + " tasks");
            }
            for (int j = 0; j < rows[i].length; j++) {
                if (!Double.isNaN(rows[i][j])) {
                    m.set(i, j, rows[i][j]);
                }
            }
        }
        for (int j = 0; j < beforeTraining.length; j++) {
            if (!Double.isNaN(beforeTraining[j])) {
                m.setBeforeTraining(j, beforeTraining[j]);
            }
        }
        return m;
    }

    /**
     * The number of tasks of the scenario (the matrix is tasks × tasks).
     *
     * @return T of the scenario
     */
    @JsonProperty("tasks")
    public int tasks() {
        return scores.length;
    }

    /**
     * Records the score on task {@code evaluated} after training task {@code trained}.
     *
     * @param trained i, the last task trained
     * @param evaluated j, the task whose test data was scored
     * @param value the score, finite
     * @throws IllegalArgumentException when an index is outside [0, T) or the value is not finite
     */
    public void set(int trained, int evaluated, double value) {
        check(trained, "trained");
        check(evaluated, "evaluated");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("accuracy matrix: score a[" + trained + "][" + evaluated
                    + "] must be finite, was " + value);
        }
        scores[trained][evaluated] = value;
    }

    /**
     * The score on task {@code evaluated} after training task {@code trained}.
     *
     * @param trained i
     * @param evaluated j
     * @return a[i][j], or {@code NaN} when not evaluated
     */
    public double get(int trained, int evaluated) {
        check(trained, "trained");
        check(evaluated, "evaluated");
        return scores[trained][evaluated];
    }

    /**
     * Whether a[i][j] was set.
     *
     * @param trained i
     * @param evaluated j
     * @return true when evaluated
     */
    public boolean has(int trained, int evaluated) {
        return !Double.isNaN(get(trained, evaluated));
    }

    /**
     * One row: the scores on every task after training task {@code trained}.
     *
     * @param trained i
     * @return a copy of a[i][0..T−1], {@code NaN} where not evaluated
     */
    public double[] row(int trained) {
        check(trained, "trained");
        return scores[trained].clone();
    }

    /**
     * Records the score of the initial (untrained) model on a task, for FWT.
     *
     * @param task j
     * @param value b[j], finite
     */
    public void setBeforeTraining(int task, double value) {
        check(task, "task");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("accuracy matrix: before-training score b[" + task
                    + "] must be finite, was " + value);
        }
        before[task] = value;
    }

    /**
     * The score of the initial model on a task.
     *
     * @param task j
     * @return b[j], or {@code NaN} when not evaluated
     */
    public double beforeTraining(int task) {
        check(task, "task");
        return before[task];
    }

    /**
     * The number of leading rows whose entries a[i][0..i] are all set: how many tasks have been trained and
     * evaluated so far.
     *
     * @return T, from 0 to {@link #tasks()}
     */
    @JsonIgnore
    public int trainedTasks() {
        int t = 0;
        while (t < scores.length && rowComplete(t)) {
            t++;
        }
        return t;
    }

    /**
     * The summary over the tasks trained so far.
     *
     * @return the summary over {@link #trainedTasks()} tasks
     * @throws IllegalStateException when no task has been evaluated
     */
    public ContinualSummary summary() {
        return summary(trainedTasks());
    }

    /**
     * The summary over the first {@code t} tasks, with the formulas of the class comment.
     *
     * @param t T, from 1 to {@link #tasks()}
     * @return the summary
     * @throws IllegalStateException when an entry a[i][j], j ≤ i &lt; t, is missing
     */
    public ContinualSummary summary(int t) {
        if (t < 1 || t > scores.length) {
            throw new IllegalStateException("accuracy matrix: a summary needs 1 to " + scores.length
                    + " trained tasks, asked for " + t + (t == 0 ? " (no task has been evaluated yet)" : ""));
        }
        for (int i = 0; i < t; i++) {
            if (!rowComplete(i)) {
                throw new IllegalStateException("accuracy matrix: row " + i + " lacks a score on some task 0.." + i
                        + ": " + Arrays.toString(scores[i]));
            }
        }
        List<Double> incremental = new ArrayList<>(t);
        double sum = 0;
        for (int i = 0; i < t; i++) {
            double a = incrementalAccuracy(i);
            incremental.add(a);
            sum += a;
        }
        return new ContinualSummary(t, incremental, sum / t, incremental.get(t - 1), forgetting(t),
                backwardTransfer(t), forwardTransfer(t));
    }

    /**
     * A_i, the mean of a[i][0..i].
     *
     * @param i the task just trained
     * @return the incremental accuracy
     */
    public double incrementalAccuracy(int i) {
        check(i, "trained");
        double sum = 0;
        for (int j = 0; j <= i; j++) {
            sum += scores[i][j];
        }
        return sum / (i + 1);
    }

    /**
     * F over the first t tasks (Chaudhry et al., 2018): mean over j ≤ t−2 of max_{l ≤ t−2} a[l][j] − a[t−1][j].
     *
     * @param t T
     * @return F, or {@code NaN} when t &lt; 2
     */
    public double forgetting(int t) {
        if (t < 2) {
            return Double.NaN;
        }
        double sum = 0;
        for (int j = 0; j < t - 1; j++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int l = 0; l < t - 1; l++) {
                if (!Double.isNaN(scores[l][j])) {
                    best = Math.max(best, scores[l][j]);
                }
            }
            sum += best - scores[t - 1][j];
        }
        return sum / (t - 1);
    }

    /**
     * BWT over the first t tasks (Lopez-Paz and Ranzato, 2017): 1/(t−1) Σ_{j ≤ t−2} (a[t−1][j] − a[j][j]).
     *
     * @param t T
     * @return BWT, or {@code NaN} when t &lt; 2
     */
    public double backwardTransfer(int t) {
        if (t < 2) {
            return Double.NaN;
        }
        double sum = 0;
        for (int j = 0; j < t - 1; j++) {
            sum += scores[t - 1][j] - scores[j][j];
        }
        return sum / (t - 1);
    }

    /**
     * FWT over the first t tasks (Lopez-Paz and Ranzato, 2017): 1/(t−1) Σ_{1 ≤ j ≤ t−1} (a[j−1][j] − b[j]).
     *
     * @param t T
     * @return FWT, or {@code NaN} when t &lt; 2 or an entry it needs was not evaluated
     */
    public double forwardTransfer(int t) {
        if (t < 2) {
            return Double.NaN;
        }
        double sum = 0;
        for (int j = 1; j < t; j++) {
            sum += scores[j - 1][j] - before[j];
        }
        return sum / (t - 1);
    }

    /**
     * The JSON form of the scores.
     *
     * @return T rows of T entries, {@code null} where not evaluated
     */
    @JsonProperty("scores")
    public List<List<Double>> scoresAsLists() {
        List<List<Double>> out = new ArrayList<>(scores.length);
        for (double[] row : scores) {
            out.add(boxed(row));
        }
        return out;
    }

    /**
     * The JSON form of the before-training row.
     *
     * @return T entries, {@code null} where not evaluated
     */
    @JsonProperty("beforeTraining")
    public List<Double> beforeTrainingAsList() {
        return boxed(before);
    }

    /**
     * A plain-text table, rows = task trained, columns = task evaluated, scores in percent.
     *
     * @return the table
     */
    public String toTable() {
        StringBuilder out = new StringBuilder("after \\ on");
        for (int j = 0; j < scores.length; j++) {
            out.append(String.format(Locale.ROOT, " %7s", "task " + j));
        }
        out.append('\n');
        for (int i = 0; i < scores.length; i++) {
            out.append(String.format(Locale.ROOT, "%-10s", "task " + i));
            for (int j = 0; j < scores.length; j++) {
                out.append(Double.isNaN(scores[i][j]) ? String.format(Locale.ROOT, " %7s", "-")
                        : String.format(Locale.ROOT, " %7.2f", 100 * scores[i][j]));
            }
            out.append('\n');
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccuracyMatrix m && Arrays.deepEquals(scores, m.scores) && Arrays.equals(before, m.before);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.deepHashCode(scores) + Arrays.hashCode(before);
    }

    @Override
    public String toString() {
        return "AccuracyMatrix" + Arrays.deepToString(scores);
    }

    private boolean rowComplete(int i) {
        for (int j = 0; j <= i; j++) {
            if (Double.isNaN(scores[i][j])) {
                return false;
            }
        }
        return true;
    }

    private void check(int index, String what) {
        if (index < 0 || index >= scores.length) {
            throw new IndexOutOfBoundsException("accuracy matrix: " + what + " task " + index + " outside [0, "
                    + scores.length + ")");
        }
    }

    private static List<Double> boxed(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(Double.isNaN(v) ? null : v);
        }
        return out;
    }
}
