package dev.perennial.api.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code --set path=value} overrides of an experiment, laid over the experiment's tree before it is bound, so an
 * overridden value is validated exactly like one written in the file.
 *
 * <p>A path is field names joined by dots, e.g. {@code training.epochs}, {@code learner.config.lambda} or
 * {@code augmenters.0.config.alpha} (a number indexes a list; the index one past the end appends). Missing
 * objects on the way are created. A plugin given by name alone ({@code learner: lwf}) becomes
 * {@code {name: lwf}} when a path reaches into it. The value is read as a YAML value: {@code 5} is a number,
 * {@code true} a boolean, {@code [mixup, cutmix]} a list, {@code {name: kd}} an object, anything else a string.
 *
 * <p>Errors name the {@code --set} argument: a malformed one when it is parsed, and, when the experiment does not
 * bind, the first override whose value makes it fail.
 */
public final class ConfigOverrides {
    /** No overrides. */
    public static final ConfigOverrides NONE = new ConfigOverrides(List.of());

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*|\\d{1,6}");
    /** Messages show at most this much of an argument. */
    private static final int SHOWN = 120;

    /**
     * One override.
     *
     * @param argument the argument as given, {@code path=value}
     * @param path the path's segments
     * @param value the parsed value
     */
    public record Override(String argument, List<String> path, JsonNode value) {
        /** Copies the path. */
        public Override {
            path = List.copyOf(path);
        }

        /**
         * The top-level experiment field this override changes.
         *
         * @return the first segment of the path
         */
        public String field() {
            return path.get(0);
        }

        /**
         * The argument for messages: {@code --set path=value}, a long one shortened.
         *
         * @return the text
         */
        public String shown() {
            return ConfigOverrides.shown(argument);
        }
    }

    private final List<Override> overrides;

    private ConfigOverrides(List<Override> overrides) {
        this.overrides = List.copyOf(overrides);
    }

    /**
     * Parses {@code path=value} arguments.
     *
     * @param arguments the arguments, in order (a later one wins over an earlier one on the same path)
     * @return the overrides
     * @throws ConfigException naming the argument when it is not {@code path=value} with a well-formed path
     */
    public static ConfigOverrides parse(List<String> arguments) {
        List<Override> out = new ArrayList<>();
        for (String argument : Objects.requireNonNull(arguments, "arguments")) {
            int eq = argument.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(shown(argument) + " is not path=value (e.g. --set training.epochs=5)");
            }
            String path = argument.substring(0, eq);
            List<String> segments = Arrays.asList(path.split("\\.", -1));
            for (String s : segments) {
                if (!SEGMENT.matcher(s).matches()) {
                    throw new ConfigException(shown(argument) + ": path '" + shorten(path) + "' is not field names"
                            + " (or list indexes) joined by dots, e.g. training.epochs or augmenters.0.name");
                }
            }
            if (segments.get(0).matches("\\d+")) {
                throw new ConfigException(shown(argument) + ": a path starts with an experiment field, e.g."
                        + " training.epochs; accepted fields: " + ConfigBinder.acceptedFields(ExperimentConfig.class));
            }
            String text = argument.substring(eq + 1);
            JsonNode value;
            if (text.isBlank()) {
                throw new ConfigException(shown(argument) + ": give a value after '='");
            }
            try {
                value = YAML.readTree(text);
            } catch (JsonProcessingException e) {
                throw new ConfigException(shown(argument) + ": the value is not valid YAML: "
                        + shorten(e.getOriginalMessage()), e);
            }
            if (value == null || value.isMissingNode()) {
                throw new ConfigException(shown(argument) + ": give a value after '='");
            }
            out.add(new Override(argument, segments, value));
        }
        return new ConfigOverrides(out);
    }

    /**
     * The overrides, in order.
     *
     * @return the overrides
     */
    public List<Override> overrides() {
        return overrides;
    }

    /**
     * Whether there are none.
     *
     * @return true when empty
     */
    public boolean isEmpty() {
        return overrides.isEmpty();
    }

    /**
     * The tree with every override laid over it; the tree given is left as it was.
     *
     * @param tree an experiment tree
     * @return a copy with the overrides applied
     * @throws ConfigException naming the argument when its path cannot be followed (e.g. a field below a number)
     */
    public ObjectNode apply(ObjectNode tree) {
        return apply(tree, overrides.size());
    }

    private ObjectNode apply(ObjectNode tree, int count) {
        ObjectNode copy = tree.deepCopy();
        for (int i = 0; i < count; i++) {
            set(copy, overrides.get(i));
        }
        return copy;
    }

    /**
     * Applies the overrides to an experiment tree and binds it, as {@link ExperimentFiles#bind} binds a file.
     *
     * @param tree the experiment tree from the file
     * @param where the file name, for messages
     * @return the experiment
     * @throws ConfigException naming the first {@code --set} argument that makes the experiment fail, or the file
     *     when it fails without any override
     */
    public ExperimentConfig bind(ObjectNode tree, String where) {
        if (overrides.isEmpty()) {
            return ExperimentFiles.bind(tree, where);
        }
        ObjectNode applied = apply(tree);
        try {
            return ExperimentFiles.bind(applied, where);
        } catch (ConfigException | IllegalArgumentException failure) {
            // Bind after each override in turn: the first that turns a binding tree into a failing one is to blame.
            boolean bound = binds(tree, where);
            for (int i = 0; i < overrides.size(); i++) {
                ObjectNode partial = apply(tree, i + 1);
                boolean now;
                String message = null;
                try {
                    ExperimentFiles.bind(partial, where);
                    now = true;
                } catch (ConfigException | IllegalArgumentException e) {
                    now = false;
                    message = e.getMessage();
                }
                if (bound && !now) {
                    throw new ConfigException(shown(overrides.get(i).argument()) + ": " + message, failure);
                }
                bound = now;
            }
            throw failure;
        }
    }

    private static boolean binds(ObjectNode tree, String where) {
        try {
            ExperimentFiles.bind(tree, where);
            return true;
        } catch (ConfigException | IllegalArgumentException e) {
            return false;
        }
    }

    private static void set(ObjectNode root, Override o) {
        JsonNode node = root;
        List<String> path = o.path();
        for (int i = 0; i < path.size(); i++) {
            String segment = path.get(i);
            boolean last = i == path.size() - 1;
            if (node instanceof ObjectNode object) {
                if (last) {
                    object.set(segment, o.value().deepCopy());
                    return;
                }
                JsonNode child = object.get(segment);
                if (child == null || child.isNull()) {
                    child = path.get(i + 1).matches("\\d+") ? object.putArray(segment) : object.putObject(segment);
                } else if (child.isTextual() && (path.get(i + 1).equals("name") || path.get(i + 1).equals("config"))) {
                    // A plugin named alone: the short form of {name: ...}.
                    ObjectNode ref = JsonNodeFactory.instance.objectNode().put("name", child.asText());
                    object.set(segment, ref);
                    child = ref;
                }
                node = child;
            } else if (node instanceof ArrayNode array) {
                if (!segment.matches("\\d+")) {
                    throw new ConfigException(shown(o.argument()) + ": '" + String.join(".", path.subList(0, i))
                            + "' is a list; index it with a number, e.g. " + String.join(".", path.subList(0, i))
                            + ".0");
                }
                int index = Integer.parseInt(segment);
                if (index > array.size()) {
                    throw new ConfigException(shown(o.argument()) + ": '" + String.join(".", path.subList(0, i))
                            + "' has " + array.size() + " entries; an index may be at most " + array.size()
                            + " (which appends)");
                }
                if (last) {
                    if (index == array.size()) {
                        array.add(o.value().deepCopy());
                    } else {
                        array.set(index, o.value().deepCopy());
                    }
                    return;
                }
                JsonNode child = index < array.size() ? array.get(index) : null;
                if (child == null || child.isNull()) {
                    child = path.get(i + 1).matches("\\d+") ? JsonNodeFactory.instance.arrayNode()
                            : JsonNodeFactory.instance.objectNode();
                    if (index == array.size()) {
                        array.add(child);
                    } else {
                        array.set(index, child);
                    }
                } else if (child.isTextual() && (path.get(i + 1).equals("name") || path.get(i + 1).equals("config"))) {
                    ObjectNode ref = JsonNodeFactory.instance.objectNode().put("name", child.asText());
                    array.set(index, ref);
                    child = ref;
                }
                node = child;
            } else {
                throw new ConfigException(shown(o.argument()) + ": '" + String.join(".", path.subList(0, i))
                        + "' is a " + node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
                        + " value, not an object or a list, so it has no field '" + segment + "'");
            }
        }
    }

    private static String shown(String argument) {
        return "--set " + shorten(argument);
    }

    private static String shorten(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= SHOWN ? text : text.substring(0, SHOWN) + "... (" + text.length() + " characters)";
    }
}
