package dev.perennial.api.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Matrices a plugin reports beside the metrics: a plugin that scores something the loop's metrics cannot (SAFE's
 * inference-only heads, say) writes {@code report-matrices.json} into its work folder
 * ({@code PluginContext.workDirectory()}, {@code RUN/plugins/SLOT}): {@code {"NAME": [[row], ...], ...}}, row k the
 * scores after k + 1 tasks, one column per task, {@code null} where not evaluated. The loop adds each to
 * {@code report.json}'s {@code otherMetrics} as {@code PLUGIN.NAME} (e.g. {@code safe.slow-own}), where the HTML
 * report and a sweep's comparison show them. Higher is taken as better.
 */
final class PluginMatrices {
    /** The file's name in a plugin's work folder. */
    static final String FILE_NAME = "report-matrices.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PluginMatrices() {}

    /**
     * Adds the plugins' reported matrices to a report's other metrics; a name already there (a metric's) is kept.
     *
     * @param others the other metrics' matrices, by name
     * @param runDirectory the run's folder
     * @param plugins the run's plugins
     * @throws UncheckedIOException naming the file when one cannot be read or is not a map of matrices
     */
    static void addTo(Map<String, double[][]> others, Path runDirectory, List<PluginInstance<?>> plugins) {
        for (PluginInstance<?> p : plugins) {
            Path file = runDirectory.resolve("plugins").resolve(p.slot()).resolve(FILE_NAME);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            JsonNode root;
            try {
                root = JSON.readTree(file.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": not readable JSON: " + e.getMessage(), e);
            }
            if (root == null || !root.isObject()) {
                throw bad(file + ": must be a mapping of name to matrix");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                others.putIfAbsent(p.name() + "." + e.getKey(), matrix(e.getValue(), file, e.getKey()));
            }
        }
    }

    private static UncheckedIOException bad(String message) {
        return new UncheckedIOException(message, new IOException(message));
    }

    private static double[][] matrix(JsonNode node, Path file, String name) {
        if (!node.isArray()) {
            throw bad(file + ": " + name + " must be a list of rows");
        }
        double[][] m = new double[node.size()][];
        for (int i = 0; i < node.size(); i++) {
            JsonNode row = node.get(i);
            if (!row.isArray()) {
                throw bad(file + ": " + name + " row " + i + " is not a list");
            }
            m[i] = new double[row.size()];
            for (int j = 0; j < row.size(); j++) {
                JsonNode v = row.get(j);
                if (!v.isNull() && !v.isNumber()) {
                    throw bad(file + ": " + name + "[" + i + "][" + j
                            + "] is " + v + ", not a number or null");
                }
                m[i][j] = v.isNull() ? Double.NaN : v.asDouble();
            }
        }
        return m;
    }
}
