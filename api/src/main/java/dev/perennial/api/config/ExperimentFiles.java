package dev.perennial.api.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads and writes experiment files: YAML ({@code .yaml}, {@code .yml}) or JSON ({@code .json}). Reading is
 * strict — an unknown or mistyped field is a {@link ConfigException} naming the file, the field and the accepted
 * fields — and fields left out take their defaults ({@link TrainingConfig#defaults()} for {@code training}).
 */
public final class ExperimentFiles {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ExperimentFiles() {}

    /**
     * Reads an experiment file.
     *
     * @param file a {@code .yaml}, {@code .yml} or {@code .json} file
     * @return the experiment
     * @throws ConfigException naming the file (and field) when it cannot be read or bound
     */
    public static ExperimentConfig read(Path file) {
        return read(file, ConfigOverrides.NONE);
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
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("experiment file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new ConfigException("experiment file " + file + " cannot be read: " + e.getMessage(), e);
        }
        return parse(text, file.getFileName().toString(), overrides);
    }

    /**
     * Parses experiment text.
     *
     * @param text YAML or JSON (JSON is YAML)
     * @param where the file name, for messages; {@code .json} selects the JSON parser
     * @return the experiment
     */
    public static ExperimentConfig parse(String text, String where) {
        return parse(text, where, ConfigOverrides.NONE);
    }

    /**
     * Parses experiment text and lays {@code --set} overrides over it before binding.
     *
     * @param text YAML or JSON (JSON is YAML)
     * @param where the file name, for messages; {@code .json} selects the JSON parser
     * @param overrides the overrides ({@link ConfigOverrides#NONE} for none)
     * @return the experiment
     */
    public static ExperimentConfig parse(String text, String where, ConfigOverrides overrides) {
        JsonNode node;
        try {
            node = where.toLowerCase(Locale.ROOT).endsWith(".json") ? JSON.readTree(text) : YAML.readTree(text);
        } catch (JsonProcessingException e) {
            String loc = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new ConfigException(where + ": not valid " + (where.endsWith(".json") ? "JSON" : "YAML") + loc
                    + ": " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new ConfigException(where + ": an experiment must be a mapping with at least name, dataset,"
                    + " scenario and learner");
        }
        return overrides.bind((ObjectNode) node, where);
    }

    /**
     * Binds an experiment tree: {@code training} is laid over {@link TrainingConfig#defaults()}.
     *
     * @param node the tree
     * @param where names the source for messages
     * @return the experiment
     */
    public static ExperimentConfig bind(ObjectNode node, String where) {
        // Unknown fields first: otherwise a misspelt required field reads as "missing" instead of "unknown".
        java.util.Set<String> accepted = new java.util.HashSet<>();
        for (java.lang.reflect.RecordComponent c : ExperimentConfig.class.getRecordComponents()) {
            accepted.add(c.getName());
        }
        for (java.util.Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!accepted.contains(field)) {
                throw new ConfigException(where + ": unknown field '" + field + "'; accepted fields: "
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
