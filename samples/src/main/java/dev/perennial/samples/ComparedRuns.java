package dev.perennial.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import dev.perennial.api.config.CompareConfig;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.api.config.PluginRef;
import dev.perennial.api.events.RunListener;
import dev.perennial.continual.vqa.ContinualVqaSummary;
import dev.perennial.samples.export.RunExporter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An experiment's {@code compare} section carried out ({@link CompareConfig}): the experiment's learner trains the
 * shared tasks once; their model is written as a llava-hf checkpoint ({@link RunExporter}); the experiment's learner
 * and every compared learner then start from it ({@code model.checkpoint}) on the remaining tasks, one run folder
 * each, with the same run seed and {@code seeds: paired} (same LoRA initialisation, same batch order). Everything
 * lands in one folder, {@code <runDirectory>/<name>-<time>/}: {@code shared/}, {@code shared-model/}, a folder per
 * learner, and {@code comparison.json} / {@code comparison.html} with every learner's accuracy matrix and the
 * side-by-side summary (Avg.ACC, forgetting, New.ACC, the adaptive EMA's share of updates).
 *
 * <p>The hand-over goes through {@code learner.config.model.checkpoint}, so the learners must be the LLaVA ones
 * ({@code llaca}, {@code lora-seq}, {@code ema-fixed}); {@code model.fullTuneTasks} is reduced by the shared tasks'
 * count. The scenario must list its tasks ({@code scenario.config.tasks}), the shared ones first.
 */
final class ComparedRuns {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /**
     * One learner's continual run.
     *
     * @param learner the learner's name
     * @param report its run's report
     * @param summary Avg.ACC, forgetting (max over earlier rows) and New.ACC of its matrix
     * @param adaptiveShare the adaptive EMA's share of updates, NaN for a learner without it
     */
    record Result(String learner, RunReport report, ContinualVqaSummary summary, double adaptiveShare) {}

    private ComparedRuns() {}

    /**
     * Runs the comparison.
     *
     * @param config the experiment, with a {@code compare} section
     * @param where names the experiment file in messages
     * @param listeners a fresh progress listener per run
     * @param out where the matrices and the summary are printed
     * @param err where the export reports problems
     * @return every learner's result, the experiment's own first
     * @throws IllegalArgumentException naming the field when the experiment cannot be compared
     */
    static List<Result> run(ExperimentConfig config, String where, Supplier<RunListener> listeners, PrintWriter out,
                            PrintStream err) {
        CompareConfig compare = config.compare();
        List<String> tasks = scenarioTasks(config, where);
        List<String> shared = compare.sharedTasks();
        if (shared.isEmpty() || shared.size() >= tasks.size() || !tasks.subList(0, shared.size()).equals(shared)) {
            throw new IllegalArgumentException(where + ": compare.sharedTasks " + shared + " must be a non-empty"
                    + " leading part of scenario.config.tasks " + tasks + " that leaves at least one task");
        }
        List<String> rest = tasks.subList(shared.size(), tasks.size());
        ObjectNode ownLearner = learnerTree(config.learner());
        JsonNode model = ownLearner.path("config").path("model");
        if (!model.isObject()) {
            throw new IllegalArgumentException(where + ": compare needs a learner with a model section"
                    + " (learner.config.model: llaca, lora-seq, ema-fixed); learner '" + config.learner().name()
                    + "' has none");
        }
        List<ObjectNode> learners = new ArrayList<>();
        learners.add(ownLearner);
        for (PluginRef l : compare.learners()) {
            ObjectNode tree = learnerTree(l);
            if (!tree.path("config").has("model")) {
                ((ObjectNode) tree.get("config")).set("model", model.deepCopy());
            }
            learners.add(tree);
        }
        Path root = Path.of(config.runDirectory()).toAbsolutePath()
                .resolve(config.name() + "-" + LocalDateTime.now().format(TIME));
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the comparison folder " + root + ": " + e.getMessage(), e);
        }
        out.printf(Locale.ROOT, "Comparing %s from one shared start: shared tasks %s (trained once by %s), then %s%n",
                learners.stream().map(l -> l.get("name").asText()).toList(), shared, config.learner().name(), rest);
        out.flush();

        ObjectNode base = ExperimentFiles.toTree(config);
        base.remove("compare");
        base.put("runDirectory", root.toString());
        ObjectNode first = base.deepCopy();
        first.put("name", "shared");
        setTasks(first, shared);
        RunReport sharedReport = Perennial.of(ExperimentFiles.bind(first, where + " (shared tasks)"))
                .run(listeners.get());
        Path sharedModel = root.resolve("shared-model");
        if (RunExporter.export(Path.of(sharedReport.runDirectory()), "hf", sharedModel, err) != 0) {
            throw new IllegalStateException(where + ": the shared tasks' model could not be written to "
                    + sharedModel);
        }

        double[] sharedScores = sharedReport.accuracyMatrix()[sharedReport.accuracyMatrix().length - 1];
        out.printf(Locale.ROOT, "shared tasks %s after training them: %s%n", shared,
                java.util.Arrays.stream(sharedScores).mapToObj(v -> String.format(Locale.ROOT, "%.3f", v)).toList());
        out.flush();
        List<Result> results = new ArrayList<>();
        for (ObjectNode learner : learners) {
            String name = learner.get("name").asText();
            ObjectNode tree = base.deepCopy();
            tree.put("name", name);
            tree.put("seeds", ExperimentConfig.PAIRED_SEEDS);
            setTasks(tree, rest);
            ObjectNode l = learner.deepCopy();
            ObjectNode m = (ObjectNode) l.get("config").get("model");
            m.put("checkpoint", sharedModel.toString());
            m.put("fullTuneTasks", Math.max(0, m.path("fullTuneTasks").asInt(0) - shared.size()));
            tree.set("learner", l);
            RunReport report = Perennial.of(ExperimentFiles.bind(tree, where + " (learner " + name + ")"))
                    .run(listeners.get());
            results.add(new Result(name, report,
                    ContinualVqaSummary.of(report.accuracyMatrix(), ContinualVqaSummary.ForgettingVariant.MAX_EARLIER),
                    adaptiveShare(report)));
        }
        for (Result r : results) {
            out.println();
            out.println("== " + r.learner() + " ==");
            RunOutput.printEnd(r.report(), out);
        }
        out.println();
        out.print(summaryTable(results));
        write(root, config, shared, sharedReport, results);
        out.printf(Locale.ROOT, "comparison: %s (and comparison.json)%n", root.resolve("comparison.html"));
        out.flush();
        return results;
    }

    /** The side-by-side summary (plain text, fixed columns). */
    static String summaryTable(List<Result> results) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-12s %8s %11s %8s %15s%n", "learner", "Avg.ACC", "Forgetting",
                "New.ACC", "adaptive share"));
        for (Result r : results) {
            b.append(String.format(Locale.ROOT, "%-12s %8.3f %11.3f %8.3f %15s%n", r.learner(),
                    r.summary().averageAccuracy(), r.summary().forgetting(), r.summary().newAccuracy(),
                    Double.isNaN(r.adaptiveShare()) ? "-" : String.format(Locale.ROOT, "%.3f", r.adaptiveShare())));
        }
        b.append("Avg.ACC: mean of the last row; Forgetting: mean over all but the last task of the best earlier"
                + " accuracy minus the last; New.ACC: mean of the diagonal (spec llaca.md 2.7).\n");
        return b.toString();
    }

    private static double adaptiveShare(RunReport report) {
        Map<String, Object> values = report.pluginValues() == null ? null : report.pluginValues().get("learner");
        if (values != null && values.get("emaAdaptiveUpdates") instanceof Number a
                && values.get("emaFallbackUpdates") instanceof Number f && a.longValue() + f.longValue() > 0) {
            return a.doubleValue() / (a.longValue() + f.longValue());
        }
        return Double.NaN;
    }

    private static List<String> scenarioTasks(ExperimentConfig config, String where) {
        JsonNode tasks = config.scenario().config().path("tasks");
        List<String> out = new ArrayList<>();
        tasks.forEach(t -> out.add(t.asText()));
        if (out.isEmpty()) {
            throw new IllegalArgumentException(where + ": compare needs scenario.config.tasks, the task order with the"
                    + " shared tasks first (e.g. scenario: {name: instruction, config: {tasks: [base, choice, ...]}})");
        }
        return out;
    }

    private static ObjectNode learnerTree(PluginRef ref) {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        tree.put("name", ref.name());
        tree.set("config", ref.config() == null ? JsonNodeFactory.instance.objectNode() : ref.config().deepCopy());
        return tree;
    }

    private static void setTasks(ObjectNode experiment, List<String> tasks) {
        ObjectNode scenario = (ObjectNode) experiment.get("scenario");
        ObjectNode sc = scenario.get("config") instanceof ObjectNode o ? o : scenario.putObject("config");
        ArrayNode list = sc.putArray("tasks");
        tasks.forEach(list::add);
    }

    private static void write(Path root, ExperimentConfig config, List<String> shared, RunReport sharedReport,
                              List<Result> results) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("experiment", config.name());
        json.put("sharedTasks", shared);
        json.put("sharedRun", sharedReport.runDirectory());
        json.put("sharedAccuracy", sharedReport.accuracyMatrix());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Result r : results) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("learner", r.learner());
            row.put("run", r.report().runDirectory());
            row.put("tasks", r.report().tasks());
            row.put("accuracyMatrix", nullNaN(r.report().accuracyMatrix()));
            row.put("averageAccuracy", r.summary().averageAccuracy());
            row.put("forgetting", Double.isNaN(r.summary().forgetting()) ? null : r.summary().forgetting());
            row.put("newAccuracy", r.summary().newAccuracy());
            row.put("adaptiveShare", Double.isNaN(r.adaptiveShare()) ? null : r.adaptiveShare());
            rows.add(row);
        }
        json.put("learners", rows);
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(root.resolve("comparison.json").toFile(), json);
            Files.writeString(root.resolve("comparison.html"), html(config, shared, results));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the comparison to " + root + ": " + e.getMessage(), e);
        }
    }

    private static Double[][] nullNaN(double[][] m) {
        Double[][] out = new Double[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = new Double[m[i].length];
            for (int j = 0; j < m[i].length; j++) {
                out[i][j] = Double.isNaN(m[i][j]) ? null : m[i][j];
            }
        }
        return out;
    }

    private static String html(ExperimentConfig config, List<String> shared, List<Result> results) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
                .append(escape(config.name())).append(" comparison</title><style>body{font-family:sans-serif}"
                        + "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #999;padding:3px 8px;"
                        + "text-align:right}</style></head><body>");
        b.append("<h1>").append(escape(config.name())).append(": learners compared from one shared start</h1>");
        b.append("<p>Shared tasks ").append(escape(shared.toString())).append(", trained once by ")
                .append(escape(config.learner().name())).append("; every learner below starts from that model with"
                        + " the same seed.</p><table><tr><th>learner</th><th>Avg.ACC</th><th>Forgetting</th>"
                        + "<th>New.ACC</th><th>adaptive share</th></tr>");
        for (Result r : results) {
            b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%s</td></tr>",
                    escape(r.learner()), r.summary().averageAccuracy(), r.summary().forgetting(),
                    r.summary().newAccuracy(), Double.isNaN(r.adaptiveShare()) ? "-"
                            : String.format(Locale.ROOT, "%.3f", r.adaptiveShare())));
        }
        b.append("</table>");
        for (Result r : results) {
            b.append("<h2>").append(escape(r.learner())).append("</h2><p>row: after training; column: task. Run: ")
                    .append(escape(r.report().runDirectory())).append("</p><table><tr><th></th>");
            r.report().tasks().forEach(t -> b.append("<th>").append(escape(t)).append("</th>"));
            b.append("</tr>");
            double[][] m = r.report().accuracyMatrix();
            for (int k = 0; k < m.length; k++) {
                b.append("<tr><th>").append(escape(r.report().tasks().get(k))).append("</th>");
                for (int i = 0; i < m[k].length; i++) {
                    double v = m[k][i];
                    b.append(Double.isNaN(v) ? "<td></td>" : String.format(Locale.ROOT,
                            "<td style=\"background:hsl(%d,70%%,85%%)\">%.3f</td>", (int) Math.round(120 * v), v));
                }
                b.append("</tr>");
            }
            b.append("</table>");
        }
        return b.append("</body></html>\n").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
