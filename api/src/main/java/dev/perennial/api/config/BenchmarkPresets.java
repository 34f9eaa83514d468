package dev.perennial.api.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Named benchmarks: {@code benchmark: NAME} in an experiment fills {@code dataset} and {@code scenario} with a
 * standard protocol, so that one line replaces both. A file that names a benchmark may not also give
 * {@code dataset} or {@code scenario} (which of the two would win is not obvious, so neither does).
 *
 * <ul>
 * <li>{@code split-fashion-mnist}: the Debian package's Fashion-MNIST IDX files
 * ({@code /usr/share/datasets/fashion-mnist}), class-incremental 5 tasks × 2 classes in the natural order.</li>
 * <li>{@code split-cifar10}: CIFAR-10 in the image-folder layout ({@code cifar10.zip} in {@link #dataDirectory()}, 32×32
 * RGB), class-incremental 5 × 2 in the natural (alphabetical folder) order.</li>
 * <li>{@code permuted-fashion-mnist}: domain-incremental, 20 tasks, each a fixed pixel permutation (Mammoth's
 * perm-mnist has 20 tasks).</li>
 * <li>{@code rotated-fashion-mnist}: domain-incremental, 20 tasks, task t rotated by 9·t degrees (covers
 * [0°, 180°) like Mammoth's rot-mnist, in fixed steps instead of random angles).</li>
 * <li>{@code split-cifar100-b0-inc10}, {@code split-cifar100-b0-inc20}, {@code split-cifar100-b50-inc10}: CIFAR-100
 * in the image-folder layout ({@code cifar100.zip} in {@link #dataDirectory()}; class ids follow the alphabetical fine-label
 * folders, which is CIFAR-100's label order), class-incremental B0-Inc10, B0-Inc20, B50-Inc10 in PyCIL's class order
 * ({@link #PYCIL_CIFAR100_ORDER}).</li>
 * </ul>
 */
public final class BenchmarkPresets {
    /** The field of an experiment that names a preset. */
    public static final String FIELD = "benchmark";

    private static final String FASHION = "/usr/share/datasets/fashion-mnist";
    private static final String CIFAR10 = dataDirectory().resolve("cifar10.zip").toString();
    private static final String CIFAR100 = dataDirectory().resolve("cifar100.zip").toString();

    /**
     * The folder the CIFAR presets read their zips from: the system property {@code perennial.dataDir}, else the
     * environment variable {@code PERENNIAL_DATA_DIR}, else {@code ../shared/data} (beside a checkout, where the
     * project keeps its data), made absolute against the working folder.
     *
     * @return the folder
     */
    public static Path dataDirectory() {
        String dir = System.getProperty("perennial.dataDir");
        if (dir == null || dir.isBlank()) {
            dir = System.getenv("PERENNIAL_DATA_DIR");
        }
        return Path.of(dir == null || dir.isBlank() ? "../shared/data" : dir).toAbsolutePath().normalize();
    }

    /**
     * PyCIL's CIFAR-100 class order: {@code np.random.seed(1993); np.random.permutation(100)} (specs/replay.md §6,
     * §7.9: numpy's sequence cannot be drawn from a Java RNG, so it is stored; its first ten, 68 56 78 8 23 84 90 65
     * 74 76, agree with the log in LAMDA-CL/PyCIL#50).
     */
    public static final List<Integer> PYCIL_CIFAR100_ORDER = List.of(68, 56, 78, 8, 23, 84, 90, 65, 74, 76, 40, 89,
            3, 92, 55, 9, 26, 80, 43, 38, 58, 70, 77, 1, 85, 19, 17, 50, 28, 53, 13, 81, 45, 82, 6, 59, 83, 16, 15,
            44, 91, 41, 72, 60, 79, 52, 20, 10, 31, 54, 37, 95, 14, 71, 96, 98, 97, 2, 64, 66, 42, 22, 35, 86, 24, 34,
            87, 21, 99, 0, 88, 27, 18, 94, 11, 12, 47, 25, 30, 46, 62, 69, 36, 61, 7, 63, 75, 5, 32, 4, 51, 48, 73, 93,
            39, 67, 29, 49, 57, 33);
    private static final Map<String, Preset> PRESETS = presets();

    private BenchmarkPresets() {}

    /** One preset: the dataset and scenario it fills. */
    private record Preset(String dataset, Map<String, Object> datasetConfig, String scenario,
                          Map<String, Object> scenarioConfig) {}

    private static Map<String, Preset> presets() {
        Map<String, Preset> p = new LinkedHashMap<>();
        p.put("split-fashion-mnist", new Preset("idx", Map.of("folder", FASHION), "class-incremental",
                Map.of("increment", 2)));
        p.put("split-cifar10", new Preset("image-folder", Map.of("path", CIFAR10, "channels", 3),
                "class-incremental", Map.of("increment", 2)));
        p.put("permuted-fashion-mnist", new Preset("idx", Map.of("folder", FASHION), "domain-incremental",
                Map.of("tasks", 20, "transform", "permute")));
        p.put("rotated-fashion-mnist", new Preset("idx", Map.of("folder", FASHION), "domain-incremental",
                Map.of("tasks", 20, "transform", "rotate", "angleStep", 9.0)));
        for (int[] bk : new int[][] {{0, 10}, {0, 20}, {50, 10}}) {
            p.put("split-cifar100-b" + bk[0] + "-inc" + bk[1], new Preset("image-folder",
                    Map.of("path", CIFAR100, "channels", 3), "class-incremental", Map.of("initialClasses", bk[0],
                    "increment", bk[1], "classOrder", PYCIL_CIFAR100_ORDER)));
        }
        return p;
    }

    /**
     * The preset names.
     *
     * @return the names, in a fixed order
     */
    public static Set<String> names() {
        return PRESETS.keySet();
    }

    /**
     * Replaces a {@code benchmark} field by the preset's {@code dataset} and {@code scenario}; a tree without one
     * comes back unchanged.
     *
     * @param node the experiment tree
     * @param where the source, for messages
     * @return the tree to bind (a copy when expanded)
     * @throws ConfigException for an unknown preset, a value that is not a name, or a preset given together with
     *     {@code dataset} or {@code scenario}
     */
    public static ObjectNode expand(ObjectNode node, String where) {
        JsonNode value = node.get(FIELD);
        if (value == null) {
            return node;
        }
        if (!value.isTextual()) {
            throw new ConfigException(where + ": benchmark must be a preset name, one of " + names());
        }
        String name = value.asText();
        Preset preset = PRESETS.get(name);
        if (preset == null) {
            List<String> near = nearest(name);
            throw new ConfigException(where + ": benchmark: unknown preset '" + Abbreviated.value(name) + "'"
                    + (near.isEmpty() ? "" : "; did you mean '" + String.join("' or '", near) + "'?")
                    + "; known presets: " + names());
        }
        for (String field : List.of("dataset", "scenario")) {
            if (node.has(field)) {
                throw new ConfigException(where + ": benchmark: " + name + " sets dataset and scenario; remove '"
                        + field + "' or remove benchmark");
            }
        }
        ObjectNode out = node.deepCopy();
        out.remove(FIELD);
        out.set("dataset", ref(preset.dataset(), preset.datasetConfig()));
        out.set("scenario", ref(preset.scenario(), preset.scenarioConfig()));
        return out;
    }

    private static ObjectNode ref(String plugin, Map<String, Object> config) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("name", plugin);
        ObjectNode c = r.putObject("config");
        for (Map.Entry<String, Object> e : config.entrySet()) {
            if (e.getValue() instanceof Integer i) {
                c.put(e.getKey(), i);
            } else if (e.getValue() instanceof Double d) {
                c.put(e.getKey(), d);
            } else if (e.getValue() instanceof List<?> list) {
                var array = c.putArray(e.getKey());
                list.forEach(v -> array.add((Integer) v));
            } else {
                c.put(e.getKey(), (String) e.getValue());
            }
        }
        return r;
    }

    /** Up to two preset names within edit distance 3 of the given name, nearest first. */
    static List<String> nearest(String name) {
        List<String> out = new ArrayList<>();
        for (String known : PRESETS.keySet()) {
            if (distance(name, known) <= 3) {
                out.add(known);
            }
        }
        out.sort(Comparator.comparingInt(k -> distance(name, k)));
        return out.size() > 2 ? out.subList(0, 2) : out;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
