package dev.perennial.samples.sweep;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a sweep's expanded, checked grid as the plan the Spark executor reads ({@code perennial-sweep-spark},
 * {@code dev.perennial.sweep.spark.SweepPlan}): the Spark JVM runs without DJL and the SDK, so the grid is expanded
 * here. Format {@code perennial-sweep-plan/1}.
 */
public final class SweepPlanFile {
    /** The format name the Spark job checks. */
    public static final String FORMAT = "perennial-sweep-plan/1";

    private SweepPlanFile() {}

    /**
     * Writes the plan.
     *
     * @param sweep the sweep
     * @param points its points
     * @param base the base experiment file the points run
     * @param folder the sweep's folder (the point folders' root)
     * @param parallel runs at a time
     * @param launcher the command that starts the CLI here ({@link JavaCommand#current()})
     * @param file where to write
     */
    public static void write(SweepFile sweep, List<SweepPoint> points, Path base, Path folder, int parallel,
                             List<String> launcher, Path file) {
        ObjectNode root = SweepRunner.JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("sweep", sweep.name());
        root.put("base", base.toAbsolutePath().toString());
        root.put("seeds", sweep.seeds());
        root.put("parallel", parallel);
        root.put("directory", folder.toAbsolutePath().toString());
        ArrayNode axes = root.putArray("axes");
        sweep.axes().stream().map(SweepFile.Axis::path)
                .filter(a -> !a.equals(SweepGrid.LEARNER) && !a.equals(SweepGrid.SEED)).forEach(axes::add);
        ArrayNode l = root.putArray("launcher");
        launcher.forEach(l::add);
        ArrayNode ps = root.putArray("points");
        for (SweepPoint p : points) {
            ObjectNode n = ps.addObject();
            n.put("index", p.index());
            n.put("name", p.name());
            n.put("learner", p.learner());
            n.put("seed", p.seed());
            n.put("group", p.group());
            n.put("pairKey", pairKey(p));
            ObjectNode values = n.putObject("axes");
            p.axisValues().forEach(values::put);
            ArrayNode o = n.putArray("overrides");
            p.overrides().forEach(o::add);
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, root.toPrettyString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the sweep plan " + file, e);
        }
    }

    /** The key paired points share: every axis value but the learner's. */
    static String pairKey(SweepPoint p) {
        Map<String, String> rest = new TreeMap<>(p.axisValues());
        rest.remove(SweepGrid.LEARNER);
        return rest.toString();
    }
}
