package dev.perennial.samples.sweep.report;

import dev.perennial.api.RunReport;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One point of a sweep as the comparison sees it.
 *
 * @param point the point's name
 * @param method the method it belongs to ({@link #method(String, Map, Set)})
 * @param seed the run seed, which pairs it with the other methods' points
 * @param finished whether it has a report
 * @param runDirectory its run folder (null when it failed before making one)
 * @param report its report (null when it did not finish)
 */
public record PointRun(String point, String method, long seed, boolean finished, Path runDirectory,
                       RunReport report) {
    /**
     * A method's label: the learner's label, and when other axes vary (besides the seed), their values:
     * {@code lwf (training.epochs=2)}. An axis with one value is an override shared by every point, not part of the
     * label.
     *
     * @param learner the learner's label
     * @param axisValues every axis's value at the point, by path (the learner and seed axes are left out)
     * @param varying the axes with more than one value
     * @return the label
     */
    public static String method(String learner, Map<String, String> axisValues, Set<String> varying) {
        String others = axisValues.entrySet().stream()
                .filter(e -> !e.getKey().equals("learner") && !e.getKey().equals("seed") && varying.contains(e.getKey()))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        return others.isEmpty() ? learner : learner + " (" + others + ")";
    }

    /**
     * The axes that take more than one value over the points.
     *
     * @param axisValues each point's axis values
     * @return the varying axes' paths
     */
    public static Set<String> varying(List<Map<String, String>> axisValues) {
        Map<String, Set<String>> seen = new HashMap<>();
        axisValues.forEach(m -> m.forEach((k, v) -> seen.computeIfAbsent(k, x -> new HashSet<>()).add(v)));
        return seen.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }
}
