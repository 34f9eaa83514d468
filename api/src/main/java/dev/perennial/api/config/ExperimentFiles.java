package dev.perennial.api.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads and writes experiment files: YAML ({@code .yaml}, {@code .yml}) or JSON ({@code .json}). Reading is
 * strict — an unknown or mistyped field is a {@link ConfigException} naming the file, the field and the accepted
 * fields — and fields left out take their defaults ({@link TrainingConfig#defaults()} for {@code training}).
 */
public final class ExperimentFiles {
    /**
     * The largest experiment file read, in bytes (1 MiB): an experiment is a page of settings, and a parser fed a
     * 50 MB scalar spends minutes on it.
     */
    public static final long MAX_FILE_BYTES = 1 << 20;

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .loaderOptions(loaderOptions()).build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ExperimentFiles() {}

    /** SnakeYAML stops at the same size as the file check, in case text reaches the parser another way. */
    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit((int) MAX_FILE_BYTES);
        return options;
    }

    /**
     * Reads an experiment file of at most {@link #MAX_FILE_BYTES}.
     *
     * @param file a {@code .yaml}, {@code .yml} or {@code .json} file
     * @return the experiment
     * @throws ConfigException naming the file (and field) when it cannot be read or bound, is larger than the
     *         limit, or gives a key twice (with the key and its line)
     */
    public static ExperimentConfig read(Path file) {
        return read(file, MAX_FILE_BYTES, ConfigOverrides.NONE);
    }

    /**
     * Reads an experiment file and lays {@code --set} overrides over it before binding.
     *
     * @param file a {@code .yaml}, {@code .yml} or {@code .json} file
     * @param overrides the overrides ({@link ConfigOverrides#NONE} for none)
     * @return the experiment
     * @throws ConfigException naming the file (and field), or the {@code --set} argument at fault
     */
    public static ExperimentConfig read(Path file, ConfigOverrides overrides) {
        return read(file, MAX_FILE_BYTES, overrides);
    }

    /**
     * Reads an experiment file of at most {@code maxBytes}.
     *
     * @param file a {@code .yaml}, {@code .yml} or {@code .json} file
     * @param maxBytes the largest file accepted, at most {@link Integer#MAX_VALUE}
     * @return the experiment
     * @throws ConfigException as {@link #read(Path)}
     */
    public static ExperimentConfig read(Path file, long maxBytes) {
        return read(file, maxBytes, ConfigOverrides.NONE);
    }

    private static ExperimentConfig read(Path file, long maxBytes, ConfigOverrides overrides) {
        if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxBytes must be 1 to " + Integer.MAX_VALUE + ", was " + maxBytes);
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            // Read one byte past the limit rather than trusting the size: the file may be a pipe or still growing.
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE, maxBytes + 1));
        } catch (NoSuchFileException e) {
            throw new ConfigException("experiment file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new ConfigException("experiment file " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (bytes.length > maxBytes) {
            throw tooLarge(file.toString(), maxBytes);
        }
        return parse(new String(bytes, StandardCharsets.UTF_8), file.getFileName().toString(), maxBytes, overrides);
    }

    /**
     * Parses experiment text of at most {@link #MAX_FILE_BYTES} characters.
     *
     * @param text YAML or JSON (JSON is YAML)
     * @param where the file name, for messages; {@code .json} selects the JSON parser
     * @return the experiment
     * @throws ConfigException naming {@code where} when the text is too long, not valid, gives a key twice or
     *         does not bind
     */
    public static ExperimentConfig parse(String text, String where) {
        return parse(text, where, MAX_FILE_BYTES, ConfigOverrides.NONE);
    }

    /**
     * Parses experiment text and lays {@code --set} overrides over it before binding.
     *
     * @param text YAML or JSON (JSON is YAML)
     * @param where the file name, for messages; {@code .json} selects the JSON parser
     * @param overrides the overrides ({@link ConfigOverrides#NONE} for none)
     * @return the experiment
     * @throws ConfigException as {@link #parse(String, String)}, or naming the {@code --set} argument at fault
     */
    public static ExperimentConfig parse(String text, String where, ConfigOverrides overrides) {
        return parse(text, where, MAX_FILE_BYTES, overrides);
    }

    static ExperimentConfig parse(String text, String where, long maxChars) {
        return parse(text, where, maxChars, ConfigOverrides.NONE);
    }

    static ExperimentConfig parse(String text, String where, long maxChars, ConfigOverrides overrides) {
        if (text.length() > maxChars) {
            throw tooLarge(where, maxChars);
        }
        boolean json = where.toLowerCase(Locale.ROOT).endsWith(".json");
        JsonNode node;
        try {
            node = json ? JSON.readTree(text) : YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw notParsed(e, where, json);
        }
        if (node == null || !node.isObject()) {
            throw new ConfigException(where + ": an experiment must be a mapping with at least name, dataset,"
                    + " scenario and learner");
        }
        return overrides.bind((ObjectNode) node, where);
    }

    private static ConfigException tooLarge(String where, long limit) {
        return new ConfigException(where + " is larger than the " + sizeText(limit) + " an experiment file may be;"
                + " an experiment is a page of settings: keep data in files it names");
    }

    private static String sizeText(long bytes) {
        return bytes % (1 << 20) == 0 ? bytes / (1 << 20) + " MiB (" + bytes + " bytes)" : bytes + " bytes";
    }

    private static ConfigException notParsed(JsonProcessingException e, String where, boolean json) {
        String line = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
        String loc = e.getLocation() == null ? "" : line + ", column " + e.getLocation().getColumnNr();
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        Matcher duplicate = DUPLICATE.matcher(original);
        if (duplicate.lookingAt()) {
            return new ConfigException(where + ": key '" + Abbreviated.value(duplicate.group(1)) + "' is given twice"
                    + " in the same mapping (again" + line + "); give each key once", e);
        }
        String detail = original.lines().findFirst().orElse("");
        if (detail.length() > 2 * Abbreviated.MAX_CHARS) {
            detail = Abbreviated.value(detail);
        }
        return new ConfigException(where + ": not valid " + (json ? "JSON" : "YAML") + loc + ": " + detail, e);
    }

    /** Jackson's message for a key given twice, with {@code STRICT_DUPLICATE_DETECTION}. */
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)'", Pattern.DOTALL);

    /**
     * Binds an experiment tree: {@code training} is laid over {@link TrainingConfig#defaults()}.
     *
     * @param node the tree
     * @param where names the source for messages
     * @return the experiment
     */
    public static ExperimentConfig bind(ObjectNode node, String where) {
        node = BenchmarkPresets.expand(node, where);
        // Unknown fields first: otherwise a misspelt required field reads as "missing" instead of "unknown".
        java.util.Set<String> accepted = new java.util.HashSet<>();
        for (java.lang.reflect.RecordComponent c : ExperimentConfig.class.getRecordComponents()) {
            accepted.add(c.getName());
        }
        for (java.util.Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!accepted.contains(field)) {
                throw new ConfigException(where + ": unknown field '" + Abbreviated.value(field) + "'; accepted fields: "
                        + ConfigBinder.acceptedFields(ExperimentConfig.class));
            }
        }
        ObjectNode copy = node.deepCopy();
        JsonNode training = copy.get("training");
        TrainingConfig t = ConfigBinder.bind(training, TrainingConfig.class, TrainingConfig.defaults(),
                where + ": training");
        copy.set("training", JSON.valueToTree(t));
        for (var e : ExperimentConfig.defaultFields().entrySet()) {
            if (!copy.hasNonNull(e.getKey())) {
                copy.set(e.getKey(), JSON.valueToTree(e.getValue()));
            }
        }
        return ConfigBinder.bind(copy, ExperimentConfig.class, null, where);
    }

    /**
     * Writes an experiment as JSON (the form kept in a run folder).
     *
     * @param config the experiment
     * @param file the file
     * @throws ConfigException when the file cannot be written
     */
    public static void writeJson(ExperimentConfig config, Path file) {
        try {
            JSON.writeValue(file.toFile(), config);
        } catch (IOException e) {
            throw new ConfigException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The experiment as a JSON tree.
     *
     * @param config the experiment
     * @return the tree
     */
    public static ObjectNode toTree(ExperimentConfig config) {
        return JSON.valueToTree(config);
    }
}
