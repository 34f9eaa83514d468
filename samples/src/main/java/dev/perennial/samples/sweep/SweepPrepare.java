package dev.perennial.samples.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.perennial.api.config.ConfigException;
import dev.perennial.api.config.ConfigOverrides;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sweep's prepare stage: named runs that go once (or once per seed of the grid) before the grid, each in its own
 * process, whose folders the grid's values name through {@code ${prepare.NAME.export}} and
 * {@code ${prepare.NAME.dir}}.
 *
 * <pre>{@code
 * prepare:
 *   teacher:
 *     experiment: teacher.yaml   # a file relative to the sweep file, or an inline experiment mapping
 *     perSeed: false             # true: one run per value of the grid's seed axis, with that run seed
 *     directory: shared/teacher  # optional: its runs' parent folder instead of OUT/prepare (shared by sweeps)
 * }</pre>
 *
 * <p>A stage runs as {@code perennial run EXPERIMENT --run-dir OUT/prepare/NAME} (perSeed:
 * {@code OUT/prepare/NAME-sSEED}). {@code ${prepare.NAME.dir}} is that folder (absolute);
 * {@code ${prepare.NAME.export}} is its {@code export} subfolder, created before the stage starts, for what the stage's run writes for the grid
 * (e.g. {@code learner.config.saveTo: ${prepare.teacher.export}/teacher.safetensors}). Placeholders may stand in any
 * string value of the base experiment, of an axis value, or of a stage's experiment (naming itself or an earlier
 * stage); they become {@code --set} arguments of the run, so experiment files stay as written. A stage whose folder
 * holds a finished run ({@code report.json}) is skipped, as a finished point is.
 */
public final class SweepPrepare {
    /** The placeholder's form. */
    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{prepare\\.([^.}]*)\\.([^}]*)}");
    /** What a placeholder may name of a stage. */
    static final List<String> KEYS = List.of("export", "dir");
    /** The folder under the sweep's folder that holds the stages' folders. */
    public static final String FOLDER = "prepare";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> FIELDS = Set.of("experiment", "perSeed", "directory");

    private SweepPrepare() {}

    /**
     * One stage as the sweep file gives it.
     *
     * @param name its name, as placeholders give it
     * @param file its experiment file, or null when inline
     * @param inline its inline experiment, or null when a file
     * @param perSeed whether it runs once per run seed of the grid (with that seed) instead of once
     * @param directory the folder that holds its run folders instead of {@code OUT/prepare} (several sweeps that
     *     name one folder share the stage: the first runs it, the others find it finished), or null
     */
    public record Stage(String name, Path file, ObjectNode inline, boolean perSeed, Path directory) {
        /**
         * The experiment's tree, as written.
         *
         * @return the tree
         */
        ObjectNode tree() {
            return inline != null ? inline : readTree(file);
        }
    }

    /**
     * One run of a stage: the stage, its seed (null when the stage is not per seed) and its folder's name.
     *
     * @param stage the stage
     * @param seed the run seed it runs with, or null for the experiment's own
     * @param point the stage's run as a point: name (its folder's), overrides, checked experiment
     */
    public record Run(Stage stage, Long seed, SweepPoint point) {}

    /**
     * Reads the {@code prepare} field of a sweep file.
     *
     * @param node the field's value, or null
     * @param sweepFile the sweep file (experiment files are relative to it)
     * @param where the sweep file's name, for messages
     * @return the stages, in file order
     */
    static List<Stage> read(JsonNode node, Path sweepFile, String where) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isObject() || node.isEmpty()) {
            throw new ConfigException(where + ": prepare must be a mapping of stage name to {experiment: FILE,"
                    + " perSeed: false}, e.g. {teacher: {experiment: teacher.yaml}}");
        }
        List<Stage> stages = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            String at = where + ": prepare." + name;
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,39}")) {
                throw new ConfigException(at + ": a stage's name must be 1-40 letters, digits, '_' or '-'");
            }
            JsonNode s = e.getValue();
            if (s == null || !s.isObject()) {
                throw new ConfigException(at + " must be a mapping {experiment: FILE, perSeed: false}");
            }
            for (Iterator<String> f = s.fieldNames(); f.hasNext(); ) {
                String field = f.next();
                if (!FIELDS.contains(field)) {
                    throw new ConfigException(at + ": unknown field '" + field + "'; accepted fields: experiment,"
                            + " perSeed, directory");
                }
            }
            JsonNode experiment = s.get("experiment");
            Path file = null;
            ObjectNode inline = null;
            if (experiment != null && experiment.isTextual()) {
                file = sweepFile.toAbsolutePath().getParent().resolve(experiment.asText()).normalize();
                if (!Files.isRegularFile(file)) {
                    throw new ConfigException(at + ".experiment: no experiment file " + file);
                }
                readTree(file);
            } else if (experiment != null && experiment.isObject()) {
                inline = (ObjectNode) experiment;
            } else {
                throw new ConfigException(at + ".experiment is required: an experiment file relative to the sweep"
                        + " file, or an inline experiment mapping");
            }
            JsonNode perSeed = s.get("perSeed");
            if (perSeed != null && !perSeed.isBoolean()) {
                throw new ConfigException(at + ".perSeed must be true or false, was " + perSeed);
            }
            JsonNode directory = s.get("directory");
            if (directory != null && !directory.isTextual()) {
                throw new ConfigException(at + ".directory must be a folder (relative to the current folder), was "
                        + directory);
            }
            stages.add(new Stage(name, file, inline, perSeed != null && perSeed.asBoolean(),
                    directory == null ? null : Path.of(directory.asText())));
        }
        return stages;
    }

    /** The base experiment's tree when it holds a placeholder, else an empty one (a bad base fails in binding). */
    static JsonNode baseTree(SweepFile sweep) {
        if (sweep.baseInline() != null) {
            return sweep.baseInline();
        }
        try {
            String text = Files.readString(sweep.baseFile(), StandardCharsets.UTF_8);
            return text.contains("${prepare.") ? readTree(sweep.baseFile()) : YAML.createObjectNode();
        } catch (IOException e) {
            return YAML.createObjectNode();
        }
    }

    static ObjectNode readTree(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            JsonNode n = file.toString().endsWith(".json") ? new ObjectMapper().readTree(text) : YAML.readTree(text);
            if (n == null || !n.isObject()) {
                throw new ConfigException(file.getFileName() + ": an experiment must be a mapping");
            }
            return (ObjectNode) n;
        } catch (JsonProcessingException e) {
            throw new ConfigException(file.getFileName() + ": not valid YAML: " + e.getOriginalMessage().lines()
                    .findFirst().orElse(""), e);
        } catch (IOException e) {
            throw new ConfigException("cannot read the experiment file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The folder of a stage's run.
     *
     * @param out the sweep's folder
     * @param stage the stage
     * @param seed the run seed of the point that names it (ignored unless the stage is per seed)
     * @return {@code OUT/prepare/NAME} or {@code OUT/prepare/NAME-sSEED} (the stage's {@code directory} instead of
     *     {@code OUT/prepare} when it has one), absolute
     */
    public static Path folder(Path out, Stage stage, long seed) {
        return root(out, stage).resolve(folderName(stage, seed));
    }

    /** The folder of a stage's run folders. */
    private static Path root(Path out, Stage stage) {
        return stage.directory() != null ? stage.directory().toAbsolutePath().normalize()
                : out.toAbsolutePath().normalize().resolve(FOLDER);
    }

    private static String folderName(Stage stage, long seed) {
        return stage.perSeed() ? stage.name() + "-s" + seed : stage.name();
    }

    /**
     * Replaces every placeholder in a text.
     *
     * @param text the text
     * @param stages the stages a placeholder may name
     * @param out the sweep's folder
     * @param seed the run seed of the point (or stage run) the text belongs to
     * @param where where the text stands, for messages ({@code sweep.yaml: axes.learner})
     * @param escape whether the text is JSON (a replaced path's quotes and backslashes are then escaped)
     * @return the text with every placeholder replaced by an absolute path
     * @throws ConfigException naming the placeholder when it names no stage or no key
     */
    static String substitute(String text, List<Stage> stages, Path out, long seed, String where, boolean escape) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            Stage stage = find(stages, m.group(1), m.group(0), where);
            String key = m.group(2);
            if (!KEYS.contains(key)) {
                throw new ConfigException(where + ": " + m.group(0) + ": unknown key '" + key + "'; a stage gives "
                        + String.join(" and ", KEYS));
            }
            Path dir = folder(out, stage, seed);
            String value = (key.equals("export") ? dir.resolve("export") : dir).toString();
            if (escape) {
                value = value.replace("\\", "\\\\").replace("\"", "\\\"");
            }
            m.appendReplacement(b, Matcher.quoteReplacement(value));
        }
        m.appendTail(b);
        return b.toString();
    }

    private static Stage find(List<Stage> stages, String name, String placeholder, String where) {
        for (Stage s : stages) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new ConfigException(where + ": " + placeholder + " names no prepare stage"
                + (stages.isEmpty() ? " (the sweep file has no prepare section)" : "; stages: "
                + String.join(", ", stages.stream().map(Stage::name).toList())));
    }

    /**
     * The stages a text names.
     *
     * @param text the text
     * @return the stage names in its placeholders
     */
    static Set<String> named(String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /**
     * The {@code --set} arguments that replace the placeholders of an experiment tree: one per string value that
     * holds a placeholder, {@code path=VALUE} with the value substituted.
     *
     * @param tree the experiment as written
     * @param stages the stages
     * @param out the sweep's folder
     * @param seed the run seed the experiment runs with
     * @param where the experiment's name, for messages
     * @return the overrides, in tree order
     */
    static List<String> treeOverrides(JsonNode tree, List<Stage> stages, Path out, long seed, String where) {
        List<String> overrides = new ArrayList<>();
        walk(tree, "", (path, text) -> overrides.add(path + "=" + TextNode.valueOf(substitute(text, stages, out,
                seed, where + ": " + path, false)).toString()));
        return overrides;
    }

    /** Every string value of a tree that holds a placeholder, with its {@code --set} path. */
    private static void walk(JsonNode node, String path, java.util.function.BiConsumer<String, String> found) {
        if (node.isTextual()) {
            if (PLACEHOLDER.matcher(node.asText()).find()) {
                found.accept(path, node.asText());
            }
        } else if (node.isObject()) {
            node.fields().forEachRemaining(e -> walk(e.getValue(), path.isEmpty() ? e.getKey()
                    : path + "." + e.getKey(), found));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "." + i, found);
            }
        }
    }

    /**
     * The stage names a tree's placeholders name.
     *
     * @param tree a tree
     * @return the names
     */
    static Set<String> namedIn(JsonNode tree) {
        Set<String> out = new LinkedHashSet<>();
        walk(tree, "", (path, text) -> out.addAll(named(text)));
        return out;
    }

    /**
     * The stage runs a sweep needs: each stage once, or once per seed of the grid's points when per seed; each
     * checked (its experiment bound with its overrides) before anything runs.
     *
     * @param sweep the sweep
     * @param points the grid's points (their seeds choose the per-seed runs)
     * @param out the sweep's folder
     * @return the runs, stage by stage in file order
     * @throws ConfigException when a stage names a later stage, a per-seed stage is named by a stage that runs
     *     once, or an experiment does not bind
     */
    public static List<Run> runs(SweepFile sweep, List<SweepPoint> points, Path out) {
        String where = sweep.file().getFileName().toString();
        Set<Long> seeds = new TreeSet<>();
        points.forEach(p -> seeds.add(p.seed()));
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < sweep.prepare().size(); i++) {
            Stage stage = sweep.prepare().get(i);
            String at = where + ": prepare." + stage.name();
            ObjectNode tree = stage.tree();
            List<Stage> visible = sweep.prepare().subList(0, i + 1);
            for (String named : namedIn(tree)) {
                int j = indexOf(sweep.prepare(), named);
                if (j > i) {
                    throw new ConfigException(at + ": ${prepare." + named + ".…} names a stage that runs after it;"
                            + " stages run in file order, so list '" + named + "' first");
                }
                if (j >= 0 && !stage.perSeed() && sweep.prepare().get(j).perSeed()) {
                    throw new ConfigException(at + ": runs once but names the per-seed stage '" + named + "'; make it"
                            + " perSeed: true as well");
                }
            }
            List<Long> mine = stage.perSeed() ? List.copyOf(seeds) : java.util.Collections.singletonList(null);
            for (Long seed : mine) {
                String folder = folderName(stage, seed == null ? 0 : seed);
                List<String> overrides = new ArrayList<>();
                // A stage that runs once names per-seed stages nowhere (checked above), so any seed serves here.
                overrides.addAll(treeOverrides(tree, visible, out, seed == null ? 0 : seed, at));
                if (seed != null) {
                    overrides.add("seed=" + seed);
                }
                overrides.add("name=" + sweep.name() + "-" + FOLDER + "-" + folder);
                overrides.add("seeds=" + sweep.seeds());
                ExperimentConfig config;
                try {
                    ConfigOverrides set = ConfigOverrides.parse(overrides);
                    config = stage.file() != null ? ExperimentFiles.read(stage.file(), set)
                            : ExperimentFiles.parse(stage.inline().toString(), at, set);
                } catch (ConfigException | IllegalArgumentException e) {
                    throw new ConfigException(at + ": " + e.getMessage().replace("--set ", ""), e);
                }
                Map<String, String> values = new LinkedHashMap<>();
                values.put(FOLDER, stage.name());
                runs.add(new Run(stage, seed, new SweepPoint(runs.size(), folder, stage.name(),
                        config.seed(), values, overrides, config)));
            }
        }
        return runs;
    }

    private static int indexOf(List<Stage> stages, String name) {
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Creates every stage run's folder and its {@code export} folder (a value may name them before they run).
     *
     * @param runs the stage runs
     * @param out the sweep's folder
     */
    public static void createFolders(List<Run> runs, Path out) {
        for (Run r : runs) {
            Path dir = root(out, r.stage()).resolve(r.point().name());
            try {
                Files.createDirectories(dir.resolve("export"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dir, e);
            }
        }
    }

    /**
     * Runs the stages that have not finished, stage by stage in file order (the runs of a per-seed stage
     * {@code parallel} at a time); stops at the first stage with a failed run.
     *
     * @param sweep the sweep
     * @param runs the stage runs ({@link #runs})
     * @param out the sweep's folder
     * @param parallel runs at a time
     * @param prefix the java command that starts the CLI ({@link JavaCommand#current()})
     * @param progress receives one line per run started, skipped and ended
     * @return empty when every stage finished, else the one-line message naming the failed stage and its log
     * @throws InterruptedException when interrupted; running children are stopped
     */
    public static Optional<String> run(SweepFile sweep, List<Run> runs, Path out, int parallel, List<String> prefix,
                                       Consumer<String> progress) throws InterruptedException {
        String where = sweep.file().getFileName().toString();
        createFolders(runs, out);
        for (Stage stage : sweep.prepare()) {
            List<Run> mine = runs.stream().filter(r -> r.stage().equals(stage)).toList();
            Path root = root(out, stage);
            Path experiment = stage.file() != null ? stage.file()
                    : inlineFile(out.toAbsolutePath().normalize().resolve(FOLDER), stage);
            List<SweepRunner.Outcome> outcomes = SweepRunner.run(mine.stream().map(Run::point).toList(), root,
                    parallel, SweepRunner.cli(prefix, experiment), line -> progress.accept("prepare: " + line));
            for (SweepRunner.Outcome o : outcomes) {
                if (o.status() == SweepRunner.Status.FAILED) {
                    return Optional.of(where + ": prepare stage '" + stage.name() + "' failed (" + o.point().name()
                            + ": " + o.message() + "); the grid did not run; run the sweep again once it is fixed"
                            + " (finished stage runs are kept)");
                }
            }
        }
        return Optional.empty();
    }

    private static Path inlineFile(Path root, Stage stage) {
        Path f = root.resolve(stage.name() + ".json");
        try {
            Files.createDirectories(root);
            Files.writeString(f, stage.inline().toPrettyString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f, e);
        }
        return f;
    }

    /**
     * A finished stage run's report, if any (resume: such a run is skipped).
     *
     * @param run the stage run
     * @param out the sweep's folder
     * @return its outcome when finished
     */
    public static Optional<SweepRunner.Outcome> finished(Run run, Path out) {
        return SweepRunner.finished(run.point(), root(out, run.stage()).resolve(run.point().name()));
    }
}
