package dev.perennial.benchmarks.vqa;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.benchmarks.BenchmarkArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Continual VQA on generated Mini-CoIN (issue #5): {@code lora-seq}, {@code ema-fixed}, {@code llaca},
 * {@code multitask}, {@code o-lora} and {@code moe-lora} (issue #21), each run with several seeds on the shipped continual-VQA sample's experiment (see
 * {@link ContinualVqaExperiments} for what a variant changes). Prints, side by side, CoIN's average accuracy and
 * forgetting (spec llaca.md §2.7, over the continual tasks; the base task that trains the tiny model from scratch
 * is reported apart), New.ACC, LLaCA's adaptive-vs-fallback EMA update counts, and each learner's per-task accuracy
 * matrix, MCITlib's MFT, MFN, MAA and BWT, all as mean ± sample standard deviation over the seeds; writes every run and the aggregates as JSON.
 *
 * <pre>
 * bin/benchmark vqa.ContinualVqaBenchmark [--seeds 1,2,3] [--learners lora-seq,ema-fixed,llaca,multitask,o-lora,moe-lora]
 *     [--out target/benchmarks/continual-vqa.json] [--sample samples/.../continual-vqa.yaml] [--epochs N]
 *     [--runs target/benchmarks/continual-vqa-runs]
 * </pre>
 * {@code --epochs} overrides the sample's epochs per task for every learner alike; left out, the sample's apply.
 * {@code --learners} also takes {@code llaca-scale-<s>}, LLaCA with another scale factor s (an ablation).
 */
public final class ContinualVqaBenchmark {
    /** The {@code --name} arguments this program accepts. */
    private static final Set<String> ARGUMENTS = Set.of(
            "epochs", "learners", "out", "runs", "sample", "seeds");

    private ContinualVqaBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args {@code --name value} options
     * @throws IOException when the JSON file cannot be written
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        Map<String, String> o = BenchmarkArgs.parse(args, ARGUMENTS);
        List<Long> seeds = Arrays.stream(o.getOrDefault("seeds", "1,2,3").split(","))
                .map(s -> parseLong(s, "--seeds")).toList();
        List<String> learners = List.of(o.getOrDefault("learners", String.join(",", ContinualVqaExperiments.LEARNERS))
                .split(","));
        Path sampleFile = Path.of(o.getOrDefault("sample", ContinualVqaExperiments.SAMPLE.toString()));
        Path out = Path.of(o.getOrDefault("out", "target/benchmarks/continual-vqa.json"));
        Path runs = Path.of(o.getOrDefault("runs", "target/benchmarks/continual-vqa-runs"));
        OptionalInt epochs = o.containsKey("epochs") ? OptionalInt.of((int) parseLong(o.get("epochs"), "--epochs"))
                : OptionalInt.empty();
        if (epochs.isPresent() && epochs.getAsInt() < 1) {
            throw new IllegalArgumentException("--epochs must be >= 1, was " + epochs.getAsInt());
        }
        ContinualVqaExperiments experiments = ContinualVqaExperiments.read(sampleFile);
        Files.createDirectories(runs);
        // every variant is built (and validated) before the first run, so a bad learner name fails at once
        Map<String, List<ExperimentConfig>> configs = new LinkedHashMap<>();
        for (String learner : learners) {
            List<ExperimentConfig> perSeed = new ArrayList<>();
            for (long seed : seeds) {
                perSeed.add(experiments.variant(learner, seed, epochs, runs));
            }
            configs.put(learner, perSeed);
        }
        int sampleEpochs = experiments.sample().training().epochs();
        System.out.printf(Locale.ROOT, "Continual VQA on Mini-CoIN: %s, learners %s, seeds %s, %d epochs per task%s%n",
                sampleFile, learners, seeds, epochs.orElse(sampleEpochs),
                epochs.isPresent() ? " (the sample has " + sampleEpochs + ")" : " (the sample's)");

        Map<String, List<VqaRunResult>> results = new LinkedHashMap<>();
        for (Map.Entry<String, List<ExperimentConfig>> e : configs.entrySet()) {
            for (ExperimentConfig config : e.getValue()) {
                RunReport report = Perennial.of(config).run();
                VqaRunResult r = VqaRunResult.of(e.getKey(), config.seed(), report);
                results.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(r);
                System.out.printf(Locale.ROOT, "%-10s seed %d: Avg.ACC %.4f, forgetting %.4f, New.ACC %.4f, base after"
                        + " last %.4f, EMA adaptive %d / fallback %d, NaN-skipped steps %d (%.0f s) %s%n", r.learner(),
                        r.seed(), r.averageAccuracy(), r.forgetting(), r.newAccuracy(), r.baseAfterLast(),
                        r.emaAdaptive(), r.emaFallback(), r.nanSkips(), r.seconds(), report.runDirectory());
            }
        }
        List<LearnerAggregate> aggregates = results.values().stream().map(LearnerAggregate::of).toList();
        System.out.println();
        System.out.print(summaryTable(aggregates));
        System.out.println();
        System.out.print(mcitTable(aggregates));
        for (LearnerAggregate a : aggregates) {
            System.out.println();
            System.out.print(matrixTable(a));
        }

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "continual-vqa/mini-coin");
        json.put("arguments", Arrays.asList(args));
        json.put("sample", sampleFile.toString());
        json.put("sampleExperiment", ExperimentFiles.toTree(experiments.sample()));
        json.put("epochsPerTask", epochs.orElse(sampleEpochs));
        json.put("seeds", seeds);
        json.put("definitions", Map.of(
                "averageAccuracy", "mean of the last row over the continual tasks (base task excluded)",
                "forgetting", "rows and columns 0-based over T continual tasks: mean over i < T-1 of"
                        + " max_{k in [i, T-2]} a[k][i] - a[T-1][i] (spec llaca.md 2.7)",
                "forgettingDiagonal", "mean over i < T-1 of a[i][i] - a[T-1][i] (spec llaca.md 7.7)",
                "newAccuracy", "mean of the diagonal a[i][i]",
                "mcit", "MCITlib (spec mcit.md 4), 0-based over T continual tasks: MFT = mean of a[i][i], MFN = mean"
                        + " of a[T-1][i], MAA = mean over t of the mean of a[t][0..t], BWT = mean over i < T-1 of"
                        + " a[T-1][i] - a[i][i] (continual.mcit.McitMetrics)",
                "std", "sample standard deviation (n - 1) over seeds"));
        json.put("aggregates", aggregates);
        json.put("runs", results.values().stream().flatMap(List::stream).toList());
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        System.out.println("wrote " + out);
    }

    /**
     * The side-by-side table of every learner's numbers (Markdown).
     *
     * @param aggregates one per learner
     * @return the table
     */
    static String summaryTable(List<LearnerAggregate> aggregates) {
        StringBuilder b = new StringBuilder();
        b.append("| learner | seeds | Avg.ACC | Forgetting (max) | Forgetting (a[i][i]) | New.ACC | base task after last"
                + " | EMA adaptive / fallback updates (adaptive fraction) | seconds per run |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (LearnerAggregate a : aggregates) {
            String ema = Double.isNaN(a.emaAdaptive().mean()) ? "–" : String.format(Locale.ROOT, "%.0f / %.0f (%s)",
                    a.emaAdaptive().mean(), a.emaFallback().mean(), a.emaAdaptiveFraction().format());
            String avg = a.averageAccuracy().format()
                    + (Double.isNaN(a.jointAccuracy().mean()) ? "" : " (joint " + a.jointAccuracy().format() + ")");
            b.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %.0f |%n", a.learner(),
                    a.seeds().size(), avg, a.forgetting().format(), a.forgettingDiagonal().format(),
                    a.newAccuracy().format(), a.baseAfterLast().format(), ema, a.seconds().mean()));
        }
        return b.toString();
    }

    /**
     * MCITlib's metrics of every sequential learner (Markdown); multitask has no sequence and is left out.
     *
     * @param aggregates one per learner
     * @return the table
     */
    static String mcitTable(List<LearnerAggregate> aggregates) {
        StringBuilder b = new StringBuilder();
        b.append("MCITlib metrics (mean ± std over seeds)\n");
        b.append("| learner | MFT | MFN | MAA | BWT |\n|---|---|---|---|---|\n");
        for (LearnerAggregate a : aggregates) {
            if (Double.isNaN(a.jointAccuracy().mean())) {
                b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", a.learner(), a.mft().format(),
                        a.mfn().format(), a.maa().format(), a.bwt().format()));
            }
        }
        return b.toString();
    }

    /**
     * One learner's per-task matrix (Markdown): row k = after training task k (multitask: after joint training).
     *
     * @param a the learner's aggregate
     * @return the table
     */
    static String matrixTable(LearnerAggregate a) {
        StringBuilder b = new StringBuilder();
        b.append("Accuracy matrix, ").append(a.learner()).append(" (mean ± std over ").append(a.seeds().size())
                .append(" seeds)\n");
        b.append("| after \\ on | ").append(String.join(" | ", a.tasks())).append(" |\n");
        b.append("|---|").append("---|".repeat(a.tasks().size())).append('\n');
        MeanStd[][] m = a.matrix();
        for (int k = 0; k < m.length; k++) {
            String row = m.length == 1 && m[0].length > 1 ? "joint" : a.tasks().get(k);
            b.append("| ").append(row).append(" |");
            for (int i = 0; i < a.tasks().size(); i++) {
                b.append(' ').append(i < m[k].length ? m[k][i].format() : "").append(" |");
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static long parseLong(String text, String option) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + text + "' is not a whole number", e);
        }
    }

}
