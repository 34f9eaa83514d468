package dev.perennial.samples.sweep;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.api.RunReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sweep's results: {@code sweep.json} and {@code sweep.csv} (one row per point) and a table of mean ± sample
 * standard deviation over seeds per learner (and position on the other axes).
 */
public final class SweepResults {
    /** The columns of the metrics, in order: average incremental accuracy, last accuracy, forgetting, BWT. */
    static final List<String> METRICS = List.of("averageIncrementalAccuracy", "lastAccuracy", "forgetting",
            "backwardTransfer");

    private SweepResults() {}

    static double[] metrics(RunReport r) {
        if (r == null || r.summary() == null) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        }
        return new double[] {r.summary().averageIncrementalAccuracy(), r.summary().lastAccuracy(),
            r.summary().forgetting(), r.summary().backwardTransfer()};
    }

    static double seconds(RunReport r) {
        if (r == null || r.timings() == null || r.timings().get("total") == null) {
            return Double.NaN;
        }
        return r.timings().get("total");
    }

    /**
     * Writes {@code sweep.json} and {@code sweep.csv} into the sweep's folder.
     *
     * @param sweep the sweep
     * @param outcomes the points' outcomes
     * @param out the folder
     */
    public static void write(SweepFile sweep, List<SweepRunner.Outcome> outcomes, Path out) {
        List<String> axisPaths = sweep.axes().stream().map(SweepFile.Axis::path)
                .filter(a -> !a.equals(SweepGrid.LEARNER) && !a.equals(SweepGrid.SEED)).toList();
        ObjectNode root = SweepRunner.JSON.createObjectNode();
        root.put("sweep", sweep.name());
        root.put("file", sweep.file().toAbsolutePath().toString());
        root.put("seeds", sweep.seeds());
        ArrayNode rows = root.putArray("points");
        StringBuilder csv = new StringBuilder();
        List<String> header = new ArrayList<>(List.of("point", "learner", "seed"));
        header.addAll(axisPaths);
        header.addAll(METRICS);
        header.addAll(List.of("seconds", "status", "runDirectory"));
        csv.append(String.join(",", header.stream().map(SweepResults::csvField).toList())).append('\n');
        for (SweepRunner.Outcome o : outcomes) {
            SweepPoint p = o.point();
            double[] m = metrics(o.report());
            ObjectNode row = rows.addObject();
            row.put("point", p.name());
            row.put("learner", p.learner());
            row.put("seed", p.seed());
            ObjectNode axes = row.putObject("axes");
            p.axisValues().forEach(axes::put);
            for (int i = 0; i < METRICS.size(); i++) {
                putNumber(row, METRICS.get(i), m[i]);
            }
            putNumber(row, "seconds", seconds(o.report()));
            row.put("status", o.status().name().toLowerCase(Locale.ROOT));
            row.put("runDirectory", o.runDirectory() == null ? null : o.runDirectory().toString());
            if (!o.message().isEmpty()) {
                row.put("message", o.message());
            }
            List<String> cells = new ArrayList<>(List.of(p.name(), p.learner(), Long.toString(p.seed())));
            for (String a : axisPaths) {
                cells.add(p.axisValues().get(a));
            }
            for (double v : m) {
                cells.add(number(v));
            }
            cells.add(number(seconds(o.report())));
            cells.add(o.status().name().toLowerCase(Locale.ROOT));
            cells.add(o.runDirectory() == null ? "" : o.runDirectory().toString());
            csv.append(String.join(",", cells.stream().map(SweepResults::csvField).toList())).append('\n');
        }
        try {
            Files.createDirectories(out);
            SweepRunner.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(out.resolve("sweep.json").toFile(), root);
            Files.writeString(out.resolve("sweep.csv"), csv.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the sweep's results into " + out, e);
        }
    }

    /**
     * The table: one row per group (learner and position on the other axes), each metric's mean ± sample standard
     * deviation over the group's finished points, and how many finished.
     *
     * @param outcomes the outcomes
     * @return the table's text
     */
    public static String table(List<SweepRunner.Outcome> outcomes) {
        Map<String, List<SweepRunner.Outcome>> groups = new LinkedHashMap<>();
        for (SweepRunner.Outcome o : outcomes) {
            groups.computeIfAbsent(o.point().group(), g -> new ArrayList<>()).add(o);
        }
        int width = Math.max(5, groups.keySet().stream().mapToInt(String::length).max().orElse(5));
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "%-" + width + "s  %5s  %-15s  %-15s  %-15s  %-15s%n", "group", "runs",
                "avg inc. acc.", "last acc.", "forgetting", "BWT"));
        for (var e : groups.entrySet()) {
            List<double[]> done = e.getValue().stream().filter(o -> o.report() != null)
                    .map(o -> metrics(o.report())).toList();
            t.append(String.format(Locale.ROOT, "%-" + width + "s  %2d/%-2d", e.getKey(), done.size(),
                    e.getValue().size()));
            for (int i = 0; i < METRICS.size(); i++) {
                final int k = i;
                double[] v = done.stream().mapToDouble(m -> m[k]).filter(x -> !Double.isNaN(x)).toArray();
                t.append("  ").append(String.format(Locale.ROOT, "%-15s", meanStd(v)));
            }
            t.append('\n');
        }
        return t.toString();
    }

    /**
     * {@code mean ± std} with the sample (n - 1) standard deviation; one value: no ±; none: {@code -}.
     *
     * @param v the values
     * @return the text, 4 decimals
     */
    static String meanStd(double[] v) {
        if (v.length == 0) {
            return "-";
        }
        double mean = 0;
        for (double x : v) {
            mean += x;
        }
        mean /= v.length;
        if (v.length == 1) {
            return String.format(Locale.ROOT, "%.4f", mean);
        }
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        return String.format(Locale.ROOT, "%.4f ± %.4f", mean, Math.sqrt(ss / (v.length - 1)));
    }

    private static void putNumber(ObjectNode row, String field, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            row.putNull(field);
        } else {
            row.put(field, v);
        }
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    private static String csvField(String s) {
        if (s == null) {
            return "";
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
