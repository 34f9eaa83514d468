package dev.perennial.sweep.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep's grid as {@code perennial sweep --write-plan FILE} writes it: the points already expanded and checked
 * by the CLI (every point's experiment bound, every plugin's configuration bound), so the Spark JVM needs neither
 * DJL nor the SDK. Format {@value #FORMAT}:
 *
 * <pre>{@code
 * {"format": "perennial-sweep-plan/1", "sweep": "pair", "base": "/abs/tiny.yaml", "seeds": "paired",
 *  "parallel": 2, "directory": "/abs/sweeps/pair", "axes": ["training.epochs"], "launcher": ["/usr/bin/java", ..., "dev.perennial.samples..."],
 *  "points": [{"index": 0, "name": "pair-finetune-s1", "learner": "finetune", "seed": 1,
 *              "group": "pair-finetune", "pairKey": "{seed=1}", "axes": {"learner": "...", "seed": "1"},
 *              "overrides": ["learner={...}", "seed=1", "name=pair-finetune-s1", "seeds=paired"]}]}
 * }</pre>
 *
 * @param sweep the sweep's name
 * @param base the base experiment file (absolute; every executor must see it at this path)
 * @param seeds {@code paired} or {@code per-plugin}
 * @param parallel the sweep's runs at a time (the embedded master's N)
 * @param directory the sweep's folder as the CLI chose it (absolute): the point folders' default root
 * @param axes the axes other than learner and seed, in file order (one column each)
 * @param launcher the command that starts the CLI on the machine that wrote the plan (empty: none given)
 * @param points the points, in grid order
 */
public record SweepPlan(String sweep, String base, String seeds, int parallel, String directory, List<String> axes,
                        List<String> launcher, List<Point> points) implements Serializable {
    /** The plan format this job reads. */
    public static final String FORMAT = "perennial-sweep-plan/1";
    private static final long serialVersionUID = 1L;

    /**
     * One grid point.
     *
     * @param index its position in the grid
     * @param name its name: its folder under the runs folder and its run's name
     * @param learner the learner's label
     * @param seed the run seed
     * @param group the rows averaged together: the name without the seed
     * @param pairKey the points paired across learners share it: every axis value but the learner's
     * @param axisValues every axis's value, by path
     * @param overrides the point's {@code --set} arguments over the base experiment
     */
    public record Point(int index, String name, String learner, long seed, String group, String pairKey,
                        Map<String, String> axisValues, List<String> overrides) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** Copies the collections (serialisable ones). */
        public Point {
            axisValues = new LinkedHashMap<>(axisValues);
            overrides = new ArrayList<>(overrides);
        }
    }

    /** Copies the lists (serialisable ones). */
    public SweepPlan {
        axes = new ArrayList<>(axes);
        launcher = new ArrayList<>(launcher);
        points = new ArrayList<>(points);
    }

    /**
     * Reads a plan.
     *
     * @param file the plan file
     * @return the plan
     * @throws IllegalArgumentException a one-line message naming the file and the field
     */
    public static SweepPlan read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not a sweep plan (not JSON: " + e.getOriginalMessage()
                    .lines().findFirst().orElse("") + "); perennial sweep --write-plan FILE writes one", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the sweep plan " + file + ": " + e.getMessage(), e);
        }
        String where = file.getFileName().toString();
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new IllegalArgumentException(where + ": not a sweep plan (format must be " + FORMAT
                    + "; perennial sweep --write-plan FILE writes one)");
        }
        List<Point> points = new ArrayList<>();
        for (JsonNode p : required(root, "points", where)) {
            Map<String, String> values = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = required(p, "axes", where).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                values.put(e.getKey(), e.getValue().asText());
            }
            points.add(new Point(required(p, "index", where).asInt(), required(p, "name", where).asText(),
                    required(p, "learner", where).asText(), required(p, "seed", where).asLong(),
                    required(p, "group", where).asText(), required(p, "pairKey", where).asText(), values,
                    texts(required(p, "overrides", where))));
        }
        if (points.isEmpty()) {
            throw new IllegalArgumentException(where + ": points is empty");
        }
        return new SweepPlan(required(root, "sweep", where).asText(), required(root, "base", where).asText(),
                root.path("seeds").asText("paired"), Math.max(1, root.path("parallel").asInt(1)),
                required(root, "directory", where).asText(),
                texts(root.path("axes")), texts(root.path("launcher")), points);
    }

    private static JsonNode required(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(where + ": the field '" + field + "' is missing");
        }
        return v;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
