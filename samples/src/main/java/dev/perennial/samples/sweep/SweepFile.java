package dev.perennial.samples.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.perennial.api.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sweep file: a base experiment, the axes of a grid, and how many runs go at a time.
 *
 * <pre>{@code
 * name: shapes                 # optional; default: the sweep file's name without extension
 * base: experiment.yaml        # a file relative to this one, or an inline experiment mapping
 * axes:
 *   learner: [finetune, {name: lwf, config: {lambda: 2}}]
 *   seed: [1, 2, 3]
 *   training.epochs: [1, 2]    # any --set path, with a list of values
 * parallel: 2                  # runs at a time, default 1
 * seeds: paired                # plugin seeds of every point (default paired; per-plugin as a single run)
 * directory: sweeps/shapes     # optional; default sweeps/NAME, relative to the current folder
 * baseline: finetune           # optional; the method sweep-report.html compares the others with (default: the first)
 * labels: {training.epochs: [short, long]}   # optional; names of an axis's values in labels and tables
 * prepare:                     # optional; runs before the grid, named in values as ${prepare.teacher.export}
 *   teacher: {experiment: teacher.yaml, perSeed: false}
 * }</pre>
 *
 * @param file the sweep file
 * @param name the sweep's name (prefix of every point's name)
 * @param baseFile the base experiment file, or null when inline
 * @param baseInline the inline base experiment, or null when a file
 * @param axes the axes, in file order (the last varies fastest)
 * @param parallel runs at a time, at least 1
 * @param seeds {@code paired} or {@code per-plugin}
 * @param directory where the point folders, sweep.json and sweep.csv go, or null for the default
 * @param baseline the method the comparison report tests the others against (a learner label, with the other axes'
 *     values in parentheses when they vary: {@code lwf (training.epochs=2)}), or null for the grid's first
 * @param prepare the prepare stage's runs ({@link SweepPrepare}), in file order; empty when none
 * @param labels per axis path, a short name for each of its values, in the axis's order (the method's label and the
 *     value in sweep.json and sweep.csv), e.g. {@code distillers: [none, kd]}; empty when none
 */
public record SweepFile(Path file, String name, Path baseFile, ObjectNode baseInline, List<Axis> axes, int parallel,
                        String seeds, String directory, String baseline, List<SweepPrepare.Stage> prepare,
                        Map<String, List<String>> labels) {
    /** The largest sweep file read. */
    static final long MAX_BYTES = 1 << 20;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> FIELDS = Set.of("name", "base", "axes", "parallel", "seeds", "directory",
            "baseline", "prepare", "labels");

    /**
     * One axis: a path and its values.
     *
     * @param path {@code learner}, {@code seed} or a {@code --set} path such as {@code training.epochs}
     * @param values the values, in file order
     */
    public record Axis(String path, List<JsonNode> values) {
        /** Copies the values. */
        public Axis {
            values = List.copyOf(values);
        }
    }

    /** Copies the axes and the stages. */
    public SweepFile {
        axes = List.copyOf(axes);
        prepare = prepare == null ? List.of() : List.copyOf(prepare);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /**
     * A sweep without a prepare stage.
     *
     * @param file the sweep file
     * @param name the sweep's name
     * @param baseFile the base experiment file, or null when inline
     * @param baseInline the inline base experiment, or null when a file
     * @param axes the axes
     * @param parallel runs at a time
     * @param seeds {@code paired} or {@code per-plugin}
     * @param directory the results' folder, or null for the default
     * @param baseline the baseline method, or null
     */
    public SweepFile(Path file, String name, Path baseFile, ObjectNode baseInline, List<Axis> axes, int parallel,
                     String seeds, String directory, String baseline) {
        this(file, name, baseFile, baseInline, axes, parallel, seeds, directory, baseline, List.of(), Map.of());
    }

    /**
     * A sweep without a chosen baseline.
     *
     * @param file the sweep file
     * @param name the sweep's name
     * @param baseFile the base experiment file, or null when inline
     * @param baseInline the inline base experiment, or null when a file
     * @param axes the axes
     * @param parallel runs at a time
     * @param seeds {@code paired} or {@code per-plugin}
     * @param directory the results' folder, or null for the default
     */
    public SweepFile(Path file, String name, Path baseFile, ObjectNode baseInline, List<Axis> axes, int parallel,
                     String seeds, String directory) {
        this(file, name, baseFile, baseInline, axes, parallel, seeds, directory, null, List.of(), Map.of());
    }

    /**
     * Reads and checks a sweep file (the base experiment and the axis values are checked by {@link SweepGrid}).
     *
     * @param file the file
     * @return the sweep
     * @throws ConfigException a one-line message naming the file and the field
     */
    public static SweepFile read(Path file) {
        String where = file.getFileName().toString();
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException(where + " is larger than the " + MAX_BYTES + " bytes a sweep file may be");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read the sweep file " + file + ": " + e.getMessage(), e);
        }
        JsonNode root;
        try {
            root = YAML.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new ConfigException(where + ": not valid YAML: " + e.getOriginalMessage().lines().findFirst()
                    .orElse(""), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(where + ": a sweep file is a mapping with base and axes, e.g."
                    + " {base: experiment.yaml, axes: {learner: [finetune, lwf], seed: [1, 2]}}");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new ConfigException(where + ": unknown field '" + f + "'; accepted fields: "
                        + String.join(", ", List.of("name", "base", "axes", "parallel", "seeds", "directory",
                        "baseline", "prepare", "labels")));
            }
        }
        String stem = where.replaceFirst("\\.(ya?ml|json)$", "");
        String name = root.hasNonNull("name") ? root.get("name").asText() : stem;
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,59}")) {
            throw new ConfigException(where + ": name '" + name + "' must be 1-60 letters, digits, '.', '_' or '-'"
                    + " (it starts every point's run name)");
        }
        JsonNode base = root.get("base");
        Path baseFile = null;
        ObjectNode inline = null;
        if (base == null || base.isNull()) {
            throw new ConfigException(where + ": base is required: an experiment file relative to the sweep file,"
                    + " or an inline experiment mapping");
        } else if (base.isTextual()) {
            Path dir = file.toAbsolutePath().getParent();
            baseFile = dir.resolve(base.asText()).normalize();
            if (!Files.isRegularFile(baseFile)) {
                throw new ConfigException(where + ": base: no experiment file " + baseFile);
            }
        } else if (base.isObject()) {
            inline = (ObjectNode) base;
        } else {
            throw new ConfigException(where + ": base must be a file name or an experiment mapping, was "
                    + base.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        JsonNode axesNode = root.get("axes");
        if (axesNode == null || !axesNode.isObject() || axesNode.isEmpty()) {
            throw new ConfigException(where + ": axes is required: a mapping of axis to a list of values, e.g."
                    + " {learner: [finetune, lwf], seed: [1, 2], training.epochs: [1, 2]}");
        }
        List<Axis> axes = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = axesNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = e.getKey();
            JsonNode values = e.getValue();
            if (values == null || !values.isArray()) {
                throw new ConfigException(where + ": axes." + path + " must be a list of values, e.g. [1, 2]");
            }
            if (values.isEmpty()) {
                throw new ConfigException(where + ": axes." + path + " is empty; give at least one value");
            }
            List<JsonNode> list = new ArrayList<>();
            values.forEach(list::add);
            Set<String> seen = new LinkedHashSet<>();
            for (JsonNode v : list) {
                if (!seen.add(v.toString())) {
                    throw new ConfigException(where + ": axes." + path + " gives " + v + " twice");
                }
            }
            axes.add(new Axis(path, list));
        }
        int parallel = 1;
        if (root.has("parallel")) {
            JsonNode p = root.get("parallel");
            if (!p.isInt() || p.asInt() < 1 || p.asInt() > 256) {
                throw new ConfigException(where + ": parallel must be a whole number of runs at a time, 1-256,"
                        + " was " + p);
            }
            parallel = p.asInt();
        }
        String seeds = root.hasNonNull("seeds") ? root.get("seeds").asText() : "paired";
        if (!seeds.equals("paired") && !seeds.equals("per-plugin")) {
            throw new ConfigException(where + ": seeds '" + seeds + "' is not one of paired, per-plugin");
        }
        String directory = root.hasNonNull("directory") ? root.get("directory").asText() : null;
        String baseline = null;
        if (root.hasNonNull("baseline")) {
            if (!root.get("baseline").isTextual()) {
                throw new ConfigException(where + ": baseline must be a method's label, e.g. finetune, was "
                        + root.get("baseline"));
            }
            baseline = root.get("baseline").asText();
        }
        List<SweepPrepare.Stage> prepare = SweepPrepare.read(root.get("prepare"), file, where);
        Map<String, List<String>> labels = labels(root.get("labels"), axes, where);
        return new SweepFile(file, name, baseFile, inline, axes, parallel, seeds, directory, baseline, prepare,
                labels);
    }

    /**
     * {@code labels: {AXIS: [NAME, ...]}}: a short, distinct name per value of an axis but seed (a learner's label
     * replaces its name in methods and point names, e.g. two {@code safe} values as {@code safe} and
     * {@code safe-no-transfer}).
     */
    private static Map<String, List<String>> labels(JsonNode node, List<Axis> axes, String where) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new ConfigException(where + ": labels must be a mapping of axis to a list of names, e.g."
                    + " {distillers: [none, kd]}");
        }
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = e.getKey();
            Axis axis = axes.stream().filter(a -> a.path().equals(path)).findFirst().orElseThrow(() ->
                    new ConfigException(where + ": labels." + path + " names no axis; axes: "
                            + String.join(", ", axes.stream().map(Axis::path).toList())));
            if (path.equals("seed")) {
                throw new ConfigException(where + ": labels.seed: the seed axis labels itself (by its number)");
            }
            JsonNode list = e.getValue();
            if (!list.isArray() || list.size() != axis.values().size()) {
                throw new ConfigException(where + ": labels." + path + " must be a list of " + axis.values().size()
                        + " names, one per value of axes." + path);
            }
            List<String> names = new ArrayList<>();
            for (JsonNode n : list) {
                String s = n.isTextual() || n.isNumber() || n.isBoolean() ? n.asText() : "";
                // A learner's label is part of its points' folder names (SweepGrid's point name rule).
                if (path.equals("learner") && !s.matches("[a-z0-9][a-z0-9._-]{0,39}")) {
                    throw new ConfigException(where + ": labels.learner: " + n + " is not a name of 1-40 lower-case"
                            + " letters, digits, '.', '_' or '-' (it names the learner's point folders)");
                }
                if (!s.matches("[^\\s,()=][^,()=]{0,39}") || names.contains(s)) {
                    throw new ConfigException(where + ": labels." + path + ": " + n + " is not a distinct name of"
                            + " 1-40 characters without ',', '(', ')' or '='");
                }
                names.add(s);
            }
            out.put(path, List.copyOf(names));
        }
        return out;
    }

    /**
     * The folder of the sweep's results: the CLI's choice, else {@code directory}, else {@code sweeps/NAME}.
     *
     * @param chosen the command line's {@code --out}, or null
     * @return the folder
     */
    public Path outputDirectory(Path chosen) {
        if (chosen != null) {
            return chosen;
        }
        return directory != null ? Path.of(directory) : Path.of("sweeps", name);
    }
}
