package dev.perennial.samples.sweep.report;

import dev.perennial.api.RunReport;
import dev.perennial.api.metrics.AccuracyMatrix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Synthetic sweeps for the report's tests: methods × seeds of made-up accuracy matrices. */
final class SweepReports {
    static final int TASKS = 3;

    private SweepReports() {}

    /**
     * A run whose every evaluated entry is {@code level} on the task just trained and {@code level − drop · age}
     * on older tasks.
     */
    static RunReport report(String name, Path dir, double level, double drop, double seconds, Double cpu) {
        return report(name, dir, level, drop, seconds, cpu, Map.of());
    }

    /** The same run with other metrics' matrices. */
    static RunReport report(String name, Path dir, double level, double drop, double seconds, Double cpu,
                            Map<String, double[][]> others) {
        double[][] m = new double[TASKS][TASKS];
        for (int i = 0; i < TASKS; i++) {
            for (int j = 0; j < TASKS; j++) {
                m[i][j] = j > i ? Double.NaN : level - drop * (i - j);
            }
        }
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("total", seconds);
        timings.put("train", seconds * 0.8);
        if (cpu != null) {
            timings.put(RunReport.CPU_TIMING, cpu);
        }
        List<String> tasks = new ArrayList<>();
        for (int t = 0; t < TASKS; t++) {
            tasks.add("classes " + (2 * t) + "-" + (2 * t + 1));
        }
        return new RunReport(name, dir == null ? name : dir.toString(), "cpu()", List.of(), tasks, "accuracy", m,
                new double[0], AccuracyMatrix.fromRows(TASKS, m, new double[0]).summary(), others, List.of(), 0,
                timings, Map.of(), Map.of("java", "17"));
    }

    /**
     * Three methods × three seeds: finetune (the baseline: level 0.6 + 0.01·seed, drop 0.2), lwf (its level + 0.05
     * + 0.01·seed, drop 0.1), ewc (its level + 0.02, drop 0.2) whose seed-3 run failed.
     */
    static List<PointRun> points() {
        List<PointRun> out = new ArrayList<>();
        for (String method : List.of("finetune", "lwf", "ewc")) {
            for (int seed = 1; seed <= 3; seed++) {
                String point = "s-" + method + "-s" + seed;
                double base = 0.6 + 0.01 * seed;
                RunReport r = switch (method) {
                    case "finetune" -> report(point, null, base, 0.2, 10 + seed, 30.0 + seed);
                    case "lwf" -> report(point, null, base + 0.05 + 0.01 * seed, 0.1, 20 + seed, 50.0 + seed);
                    default -> seed == 3 ? null : report(point, null, base + 0.02, 0.2, 15, null);
                };
                out.add(new PointRun(point, method, seed, r != null, r == null ? null : Path.of(point, "run"), r));
            }
        }
        return out;
    }
}
