package dev.perennial.continual.safe;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The accuracy of each of SAFE's inference heads on every evaluated (tasks trained, task) cell, counted by a
 * {@link SafeLearner} with {@code reportHeads} on. One trained run then scores the inference-only ablations of the
 * paper (slow learner only, fast learner only, plain average instead of entropy weighting) on the very learners
 * that the full method uses. Written as JSON to {@value #FILE_NAME} in the learner's work directory.
 *
 * <p>Heads (see {@link #HEADS}): {@code entropy} is SAFE's prediction (§2.6: the fast learner alone after task 1,
 * the entropy-weighted combination from task 2 on); {@code average} is the same with γ = 0; {@code slow} and
 * {@code fast} are one learner's analytic head as the full method solves it (pooled statistics when
 * {@code sharedRidgeStatistics}); {@code slow-own} and {@code fast-own} are one learner's analytic head solved on
 * that learner's features only, the head a model with that learner alone would have.
 */
public final class InferenceHeadReport {
    /** The file the learner writes in its work directory. */
    public static final String FILE_NAME = "safe-heads.json";
    /** The heads, in report order. */
    public static final List<String> HEADS = List.of("entropy", "average", "slow", "fast", "slow-own", "fast-own");

    /** Correct predictions per head and samples of one cell. */
    private static final class Cell {
        long samples;
        final long[] correct = new long[HEADS.size()];
    }

    /** Key: tasks trained, then task index. */
    private final TreeMap<Integer, TreeMap<Integer, Cell>> cells = new TreeMap<>();

    /** Creates an empty report. */
    public InferenceHeadReport() {}

    /**
     * Counts one evaluation batch.
     *
     * @param tasksTrained tasks the learner had finished when it predicted
     * @param task the evaluated task's index
     * @param labels the batch's labels
     * @param predicted per head (in {@link #HEADS} order), the predicted class of each sample
     */
    public void add(int tasksTrained, int task, long[] labels, long[][] predicted) {
        if (predicted.length != HEADS.size()) {
            throw new IllegalArgumentException("expected predictions of " + HEADS.size() + " heads, got "
                    + predicted.length);
        }
        Cell cell = cells.computeIfAbsent(tasksTrained, k -> new TreeMap<>()).computeIfAbsent(task, k -> new Cell());
        for (int h = 0; h < predicted.length; h++) {
            if (predicted[h].length != labels.length) {
                throw new IllegalArgumentException("head " + HEADS.get(h) + " predicted " + predicted[h].length
                        + " samples for " + labels.length + " labels");
            }
            for (int i = 0; i < labels.length; i++) {
                cell.correct[h] += predicted[h][i] == labels[i] ? 1 : 0;
            }
        }
        cell.samples += labels.length;
    }

    /**
     * Accuracy matrices, one per head: {@code matrix.get(head)[k-1][j]} is the accuracy on task j after k tasks
     * ({@code NaN} where not evaluated).
     *
     * @return per head, rows for tasks trained 1..max, columns for tasks 0..max task evaluated
     */
    public Map<String, double[][]> matrices() {
        int rows = cells.isEmpty() ? 0 : cells.lastKey();
        int cols = cells.values().stream().mapToInt(m -> m.lastKey() + 1).max().orElse(0);
        Map<String, double[][]> out = new LinkedHashMap<>();
        for (int h = 0; h < HEADS.size(); h++) {
            double[][] m = new double[rows][cols];
            for (double[] row : m) {
                java.util.Arrays.fill(row, Double.NaN);
            }
            for (var byTrained : cells.entrySet()) {
                if (byTrained.getKey() < 1) {
                    continue;
                }
                for (var byTask : byTrained.getValue().entrySet()) {
                    Cell c = byTask.getValue();
                    m[byTrained.getKey() - 1][byTask.getKey()] = c.samples == 0 ? Double.NaN
                            : (double) c.correct[h] / c.samples;
                }
            }
            out.put(HEADS.get(h), m);
        }
        return out;
    }

    /** The file of the matrices the loop adds to report.json ({@code otherMetrics}, as {@code safe.HEAD}). */
    public static final String MATRICES_FILE_NAME = "report-matrices.json";

    /**
     * Writes {@link #matrices()} as the loop's plugin matrices file ({@code {"HEAD": [[row], ...]}}, NaN as null),
     * atomically.
     *
     * @param file the JSON file, {@link #MATRICES_FILE_NAME} in the plugin's work folder
     */
    public void writeMatrices(Path file) {
        JsonObject root = new JsonObject();
        matrices().forEach((head, m) -> {
            JsonArray rows = new JsonArray();
            for (double[] r : m) {
                JsonArray row = new JsonArray();
                for (double v : r) {
                    if (Double.isNaN(v)) {
                        row.add(com.google.gson.JsonNull.INSTANCE);
                    } else {
                        row.add(v);
                    }
                }
                rows.add(row);
            }
            root.add(head, rows);
        });
        atomically(file, new GsonBuilder().create().toJson(root));
    }

    private static void atomically(Path file, String text) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("safe: cannot write the head report " + file, e);
        }
    }

    /**
     * Writes the report (atomically: a reader never sees half a file).
     *
     * @param file the JSON file
     */
    public void write(Path file) {
        JsonObject root = new JsonObject();
        JsonArray heads = new JsonArray();
        HEADS.forEach(heads::add);
        root.add("heads", heads);
        JsonArray list = new JsonArray();
        for (var byTrained : cells.entrySet()) {
            for (var byTask : byTrained.getValue().entrySet()) {
                JsonObject o = new JsonObject();
                o.addProperty("tasksTrained", byTrained.getKey());
                o.addProperty("task", byTask.getKey());
                o.addProperty("samples", byTask.getValue().samples);
                JsonObject correct = new JsonObject();
                for (int h = 0; h < HEADS.size(); h++) {
                    correct.addProperty(HEADS.get(h), byTask.getValue().correct[h]);
                }
                o.add("correct", correct);
                list.add(o);
            }
        }
        root.add("cells", list);
        Gson gson = new GsonBuilder().setPrettyPrinting().create();
        atomically(file, gson.toJson(root));
    }

    /**
     * Reads a report written by {@link #write}.
     *
     * @param file the JSON file
     * @return the report
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException naming the file when it is not a head report
     */
    public static InferenceHeadReport read(Path file) throws IOException {
        InferenceHeadReport r = new InferenceHeadReport();
        try {
            JsonObject root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
            List<String> heads = new ArrayList<>();
            root.getAsJsonArray("heads").forEach(e -> heads.add(e.getAsString()));
            if (!heads.equals(HEADS)) {
                throw new IllegalArgumentException(file + ": heads " + heads + " are not " + HEADS);
            }
            for (JsonElement e : root.getAsJsonArray("cells")) {
                JsonObject o = e.getAsJsonObject();
                Cell c = r.cells.computeIfAbsent(o.get("tasksTrained").getAsInt(), k -> new TreeMap<>())
                        .computeIfAbsent(o.get("task").getAsInt(), k -> new Cell());
                c.samples = o.get("samples").getAsLong();
                JsonObject correct = o.getAsJsonObject("correct");
                for (int h = 0; h < HEADS.size(); h++) {
                    c.correct[h] = correct.get(HEADS.get(h)).getAsLong();
                }
            }
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
                    && iae.getMessage().startsWith(file.toString())) {
                throw iae;
            }
            throw new IllegalArgumentException(file + " is not a SAFE head report (" + FILE_NAME + "): " + e, e);
        }
        return r;
    }
}
