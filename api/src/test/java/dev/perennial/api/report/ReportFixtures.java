package dev.perennial.api.report;

import dev.perennial.api.RunReport;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.api.metrics.AccuracyMatrix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reports made up for the report tests: no training, known numbers. */
final class ReportFixtures {
    private ReportFixtures() {}

    /**
     * A finished run of {@code tasks} tasks: a lower-triangular matrix where old tasks decay, a decaying loss
     * curve of {@code steps} steps per task, one other metric, timings, plugins and environment.
     */
    static RunReport report(int tasks, int steps, boolean withBefore) {
        double[][] m = new double[tasks][tasks];
        for (int i = 0; i < tasks; i++) {
            for (int j = 0; j < tasks; j++) {
                m[i][j] = j <= i ? 0.95 - 0.12 * (i - j) - 0.01 * j : withBefore && j == i + 1 ? 0.1 : Double.NaN;
            }
        }
        double[] before = new double[withBefore ? tasks : 0];
        java.util.Arrays.fill(before, 0.1);
        List<List<Double>> curves = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            List<Double> c = new ArrayList<>();
            for (int s = 0; s < steps; s++) {
                c.add(2.3 * Math.exp(-s / (steps / 4.0 + 1)) + 0.1 + 0.05 * Math.sin(s));
            }
            curves.add(c);
        }
        List<String> names = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            names.add("classes " + (2 * t) + "-" + (2 * t + 1));
        }
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("total", 12.5);
        timings.put("train", 9.0);
        timings.put("evaluate", 2.0);
        timings.put("checkpoint", 0.5);
        timings.put(RunReport.CPU_TIMING, 23.0);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("java", "17.0.15");
        env.put("djl", "0.36.0");
        env.put("engine", "PyTorch 2.7.1");
        env.put("os", "Linux amd64");
        env.put("cpus", "2");
        return new RunReport("fixture <run> & co", "/tmp/runs/fixture-1", "cpu()",
                List.of(Map.of("slot", "learner", "name", "finetune", "version", "1.0.0"),
                        Map.of("slot", "metric-0", "name", "accuracy", "version", "1.0.0")),
                names, "accuracy", m, before,
                AccuracyMatrix.fromRows(tasks, m, before).summary(), Map.of("top5-accuracy", m), curves, 0,
                timings, Map.of("learner", Map.of("seenClasses", 2 * tasks)), env);
    }

    /** A valid experiment for the configuration section. */
    static ExperimentConfig experiment() {
        return ExperimentFiles.parse("name: fixture\ndataset: generated-shapes\nscenario: class-incremental\n"
                + "learner: finetune\ntraining: {learningRate: 0.1}\n", "fixture.yaml");
    }
}
