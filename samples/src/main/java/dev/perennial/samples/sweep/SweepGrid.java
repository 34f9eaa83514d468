package dev.perennial.samples.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.api.config.ConfigException;
import dev.perennial.api.config.ConfigOverrides;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.api.config.PluginRef;
import dev.perennial.api.registry.PluginException;
import dev.perennial.api.registry.PluginRegistry;
import dev.perennial.spi.PluginKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Expands a {@link SweepFile} into its points, in a fixed order: axes in file order, the last varying fastest.
 * Every point's experiment is bound (the axis values laid over the base as {@code --set} overrides, so a wrong
 * path or value fails exactly as {@code perennial run --set} fails) before anything runs.
 */
public final class SweepGrid {
    /** The axis that chooses the learner: a name or {@code {name, config}}; it replaces the base's learner. */
    public static final String LEARNER = "learner";
    /** The axis that chooses the run seed. */
    public static final String SEED = "seed";

    private SweepGrid() {}

    /**
     * The points of a sweep.
     *
     * @param sweep the sweep
     * @return the points, in grid order
     * @throws ConfigException naming the sweep file, the axis and the point when a point does not bind
     */
    public static List<SweepPoint> expand(SweepFile sweep) {
        return expand(sweep, sweep.outputDirectory(null));
    }

    /**
     * The points of a sweep whose results go to a given folder: {@code ${prepare.NAME.…}} placeholders in the base
     * experiment and in axis values become paths under it ({@link SweepPrepare}).
     *
     * @param sweep the sweep
     * @param out the sweep's folder
     * @return the points, in grid order
     * @throws ConfigException naming the sweep file, the axis and the point when a point does not bind, or a
     *     placeholder names no stage
     */
    public static List<SweepPoint> expand(SweepFile sweep, java.nio.file.Path out) {
        String where = sweep.file().getFileName().toString();
        JsonNode baseTree = SweepPrepare.baseTree(sweep);
        List<SweepFile.Axis> axes = new ArrayList<>(sweep.axes());
        // The learner axis replaces the whole learner: apply it first, so learner.config.* axes refine it.
        axes.sort((a, b) -> Boolean.compare(!a.path().equals(LEARNER), !b.path().equals(LEARNER)));
        Set<String> paths = new LinkedHashSet<>();
        sweep.axes().forEach(a -> paths.add(a.path()));
        for (SweepFile.Axis axis : axes) {
            checkAxis(where, axis, paths);
        }
        Map<String, List<String>> learnerLabels = learnerLabels(sweep);
        List<SweepFile.Axis> others = sweep.axes().stream()
                .filter(a -> !a.path().equals(LEARNER) && !a.path().equals(SEED)).toList();
        int total = 1;
        for (SweepFile.Axis a : sweep.axes()) {
            total = Math.multiplyExact(total, a.values().size());
        }
        if (total > 100_000) {
            throw new ConfigException(where + ": the grid has " + total + " points; at most 100000");
        }
        List<SweepPoint> points = new ArrayList<>();
        int[] position = new int[sweep.axes().size()];
        for (int index = 0; index < total; index++) {
            // position: file order, last axis fastest
            int rest = index;
            for (int i = sweep.axes().size() - 1; i >= 0; i--) {
                int n = sweep.axes().get(i).values().size();
                position[i] = rest % n;
                rest /= n;
            }
            Map<String, String> values = new LinkedHashMap<>();
            Map<String, JsonNode> chosen = new HashMap<>();
            for (int i = 0; i < sweep.axes().size(); i++) {
                SweepFile.Axis a = sweep.axes().get(i);
                JsonNode v = a.values().get(position[i]);
                chosen.put(a.path(), v);
                List<String> named = sweep.labels().get(a.path());
                values.put(a.path(), named != null ? named.get(position[i])
                        : a.path().equals(SEED) && v.isObject() ? v.get("value").toString()
                        : v.isTextual() ? v.asText() : v.toString());
            }
            List<String> overrides = new ArrayList<>();
            for (SweepFile.Axis a : axes) {
                JsonNode v = chosen.get(a.path());
                if (a.path().equals(SEED) && v.isObject()) {
                    // {value: N, set: {PATH: VALUE}}: the run seed and what goes with it (e.g. a class order)
                    overrides.add(SEED + "=" + v.get("value"));
                    v.path("set").fields().forEachRemaining(e -> overrides.add(e.getKey() + "=" + e.getValue()));
                } else {
                    overrides.add(a.path() + "=" + v.toString());
                }
            }
            int k = 0;
            for (SweepFile.Axis a : others) {
                int i = sweep.axes().indexOf(a);
                k = k * a.values().size() + position[i];
            }
            ExperimentConfig probe = bind(sweep, overrides, where, values);
            String learner = chosen.containsKey(LEARNER)
                    ? learnerLabels.get(LEARNER).get(sweep.axes().get(indexOf(sweep, LEARNER)).values()
                    .indexOf(chosen.get(LEARNER)))
                    : probe.learner().name();
            long seed = probe.seed();
            String name = sweep.name() + "-" + learner + "-s" + seed + (others.isEmpty() ? "" : "-" + k);
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,79}")) {
                throw new ConfigException(where + ": point name '" + name + "' is not 1-80 letters, digits, '.', '_'"
                        + " or '-'; shorten the sweep's name or the learner's name");
            }
            // The base's placeholders first (as --set arguments), then the axes with theirs replaced.
            List<String> all = new ArrayList<>(SweepPrepare.treeOverrides(baseTree, sweep.prepare(), out, seed,
                    where + ": base"));
            for (String o : overrides) {
                all.add(SweepPrepare.substitute(o, sweep.prepare(), out, seed, where + ": axes."
                        + o.substring(0, o.indexOf('=')), true));
            }
            all.add("name=" + name);
            all.add("seeds=" + sweep.seeds());
            ExperimentConfig config = bind(sweep, all, where, values);
            points.add(new SweepPoint(index, name, learner, seed, values, all, config));
        }
        return points;
    }

    private static int indexOf(SweepFile sweep, String path) {
        for (int i = 0; i < sweep.axes().size(); i++) {
            if (sweep.axes().get(i).path().equals(path)) {
                return i;
            }
        }
        return -1;
    }

    private static void checkAxis(String where, SweepFile.Axis axis, Set<String> paths) {
        try {
            ConfigOverrides.parse(List.of(axis.path() + "=0"));
        } catch (ConfigException e) {
            throw new ConfigException(where + ": axes." + axis.path() + ": "
                    + e.getMessage().replace("--set " + axis.path() + "=0", "").replaceFirst("^[: ]+", ""), e);
        }
        for (JsonNode v : axis.values()) {
            if (axis.path().equals(SEED) && v.isObject()) {
                checkSeedWithSettings(where, axis, v, paths);
            } else if (axis.path().equals(SEED) && !(v.isIntegralNumber() && v.canConvertToLong())) {
                throw new ConfigException(where + ": axes.seed: " + v + " is neither a whole number nor {value: N,"
                        + " set: {PATH: VALUE}}");
            }
            if (axis.path().equals(LEARNER) && !(v.isTextual() || (v.isObject() && v.path("name").isTextual()))) {
                throw new ConfigException(where + ": axes.learner: " + v + " is neither a learner name nor"
                        + " {name: NAME, config: {...}}");
            }
        }
    }

    /**
     * A seed that brings settings: {@code {value: N, set: {PATH: VALUE, ...}}}. The settings go with the run seed
     * (a replicate's class order, say), so the comparison pairs and averages by seed as usual.
     */
    private static void checkSeedWithSettings(String where, SweepFile.Axis axis, JsonNode v, Set<String> paths) {
        java.util.Iterator<String> names = v.fieldNames();
        while (names.hasNext()) {
            String f = names.next();
            if (!f.equals("value") && !f.equals("set")) {
                throw new ConfigException(where + ": axes.seed: unknown field '" + f + "' in " + v + "; a seed is N"
                        + " or {value: N, set: {PATH: VALUE}}");
            }
        }
        JsonNode n = v.get("value");
        if (n == null || !(n.isIntegralNumber() && n.canConvertToLong())) {
            throw new ConfigException(where + ": axes.seed: " + v + " needs value: a whole number");
        }
        JsonNode set = v.get("set");
        if (set != null && !set.isObject()) {
            throw new ConfigException(where + ": axes.seed: set must be a mapping of --set path to value, was "
                    + set);
        }
        if (set != null) {
            set.fieldNames().forEachRemaining(path -> {
                if (path.equals(SEED) || path.equals("name") || path.equals("seeds")) {
                    throw new ConfigException(where + ": axes.seed: set may not change " + path);
                }
                if (paths.contains(path)) {
                    throw new ConfigException(where + ": axes.seed: set changes " + path + ", which is an axis");
                }
                try {
                    ConfigOverrides.parse(List.of(path + "=0"));
                } catch (ConfigException e) {
                    throw new ConfigException(where + ": axes.seed: set: " + e.getMessage()
                            .replace("--set " + path + "=0", path).replaceFirst("^[: ]+", ""), e);
                }
            });
        }
        long count = axis.values().stream().filter(x -> (x.isObject() ? x.get("value") : x).equals(n)).count();
        if (count > 1) {
            throw new ConfigException(where + ": axes.seed gives the run seed " + n + " twice");
        }
    }

    /**
     * The learner axis's labels: the file's {@code labels.learner} when given, else the name, with -N where one name
     * appears more than once.
     */
    private static Map<String, List<String>> learnerLabels(SweepFile sweep) {
        int i = indexOf(sweep, LEARNER);
        if (i < 0) {
            return Map.of();
        }
        if (sweep.labels().containsKey(LEARNER)) {
            return Map.of(LEARNER, sweep.labels().get(LEARNER));
        }
        List<String> names = sweep.axes().get(i).values().stream()
                .map(v -> v.isTextual() ? v.asText() : v.path("name").asText()).toList();
        List<String> labels = new ArrayList<>();
        Map<String, Integer> count = new HashMap<>();
        for (String n : names) {
            int c = count.merge(n, 1, Integer::sum);
            boolean repeated = names.stream().filter(n::equals).count() > 1;
            labels.add(repeated ? n + "-" + c : n);
        }
        return Map.of(LEARNER, labels);
    }

    private static ExperimentConfig bind(SweepFile sweep, List<String> overrides, String where,
                                         Map<String, String> values) {
        try {
            ConfigOverrides set = ConfigOverrides.parse(overrides);
            if (sweep.baseFile() != null) {
                return ExperimentFiles.read(sweep.baseFile(), set);
            }
            return ExperimentFiles.parse(sweep.baseInline().toString(), where + " base", set);
        } catch (ConfigException | IllegalArgumentException e) {
            throw new ConfigException(where + ": point " + values + ": " + e.getMessage()
                    .replace("--set ", "axis "), e);
        }
    }

    /**
     * Binds the plugin configurations of every point with the plugins' own binders, so a wrong plugin name or
     * plugin field fails before any run starts.
     *
     * @param points the points
     * @param registry the plugins
     * @param where the sweep file's name, for messages
     * @throws PluginException naming the sweep file, the point and the plugin
     */
    public static void checkPlugins(List<SweepPoint> points, PluginRegistry registry, String where) {
        Set<String> done = new LinkedHashSet<>();
        for (SweepPoint p : points) {
            ExperimentConfig c = p.config();
            List<Map.Entry<PluginKind, PluginRef>> refs = new ArrayList<>();
            refs.add(Map.entry(PluginKind.DATASET_SOURCE, c.dataset()));
            refs.add(Map.entry(PluginKind.SCENARIO, c.scenario()));
            refs.add(Map.entry(PluginKind.LEARNER, c.learner()));
            c.augmenters().forEach(r -> refs.add(Map.entry(PluginKind.AUGMENTER, r)));
            c.distillers().forEach(r -> refs.add(Map.entry(PluginKind.DISTILLER, r)));
            if (c.sampler() != null) {
                refs.add(Map.entry(PluginKind.SAMPLER, c.sampler()));
            }
            c.metrics().forEach(r -> refs.add(Map.entry(PluginKind.METRIC, r)));
            for (Map.Entry<PluginKind, PluginRef> e : refs) {
                PluginRef ref = e.getValue();
                JsonNode fields = ref.config();
                if (!done.add(e.getKey() + " " + ref.name() + " " + fields)) {
                    continue;
                }
                try {
                    registry.bindConfig(e.getKey(), ref.name(), fields == null ? null : (ObjectNode) fields,
                            where + ": point " + p.name() + ": " + e.getKey().label() + " '" + ref.name() + "'");
                } catch (PluginException ex) {
                    String m = ex.getMessage();
                    throw new PluginException(m.startsWith(where) ? m : where + ": point " + p.name() + ": " + m,
                            ex);
                }
            }
        }
    }
}
