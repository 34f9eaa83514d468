package dev.perennial.api.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.spi.ConfigDoc;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One field of a configuration record as users write it: its name (the JSON/YAML key; {@code parent.child} for a
 * field of a nested record), its type, its default and its {@link ConfigDoc}. The configuration reference and
 * {@code perennial plugins check} both read records through this, so what the check demands is what the
 * reference prints.
 *
 * @param name the key, dotted for nested records
 * @param type a readable type, e.g. {@code double}, {@code List<String>}, {@code one of sgd, adamw}
 * @param defaultValue the default as JSON, or empty when {@code defaultConfig()} leaves it null
 * @param doc the {@link ConfigDoc} text, or empty when the component carries none (or a blank one)
 */
public record ConfigField(String name, String type, Optional<JsonNode> defaultValue, Optional<String> doc) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The fields of a record type, with the defaults read from {@code defaults}. A component whose type is itself
     * a record with documented components is expanded into {@code parent.child} fields (binding merges such
     * records field by field), unless its type is in {@code keepWhole}.
     *
     * @param type the configuration record
     * @param defaults its defaults, or null when there are none
     * @param keepWhole nested record types to list as one field
     * @return the fields in declaration order
     * @throws IllegalArgumentException when Jackson cannot turn the defaults into fields (the message says why)
     */
    public static List<ConfigField> of(Class<? extends Record> type, Record defaults, Set<Class<?>> keepWhole) {
        JsonNode tree;
        try {
            tree = defaults == null ? JSON.createObjectNode() : JSON.valueToTree(defaults);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the defaults of " + type.getName() + " cannot be written as JSON: "
                    + e.getMessage(), e);
        }
        List<ConfigField> out = new ArrayList<>();
        collect(type, tree, "", keepWhole, out, 0);
        return out;
    }

    /**
     * Whether the component carries a non-blank {@link ConfigDoc}.
     *
     * @return true when documented
     */
    public boolean documented() {
        return doc.isPresent();
    }

    /**
     * Whether {@code defaultConfig()} gives the field a value.
     *
     * @return true when there is a default
     */
    public boolean hasDefault() {
        return defaultValue.isPresent();
    }

    /**
     * The default as short text: JSON, except that a plugin reference with no configuration shows as its bare
     * name (the short form an experiment file accepts).
     *
     * @return the text, or empty when there is no default
     */
    public Optional<String> defaultText() {
        return defaultValue.map(ConfigField::compact);
    }

    private static void collect(Class<?> type, JsonNode tree, String prefix, Set<Class<?>> keepWhole,
                                List<ConfigField> out, int depth) {
        for (RecordComponent c : type.getRecordComponents()) {
            if (c.getAccessor().isAnnotationPresent(Deprecated.class)) {
                continue; // a deprecated alias still binds, but is no longer a field to document or to default
            }
            String key = propertyName(type, c);
            JsonNode value = tree == null ? null : tree.get(key);
            Class<?> ct = c.getType();
            if (depth < 4 && ct.isRecord() && !keepWhole.contains(ct) && hasDocumentedComponents(ct)) {
                collect(ct, value, prefix + key + ".", keepWhole, out, depth + 1);
                continue;
            }
            Optional<JsonNode> dv = value == null || value.isNull() || value.isMissingNode() ? Optional.empty()
                    : Optional.of(value);
            out.add(new ConfigField(prefix + key, typeName(c.getGenericType()), dv, docOf(type, c)));
        }
    }

    private static boolean hasDocumentedComponents(Class<?> record) {
        return Arrays.stream(record.getRecordComponents()).anyMatch(c -> docOf(record, c).isPresent());
    }

    /** The {@link ConfigDoc} on the component, or (propagated there by javac) its accessor or field. */
    private static Optional<String> docOf(Class<?> record, RecordComponent c) {
        ConfigDoc doc = c.getAnnotation(ConfigDoc.class);
        if (doc == null) {
            doc = c.getAccessor().getAnnotation(ConfigDoc.class);
        }
        if (doc == null) {
            try {
                doc = record.getDeclaredField(c.getName()).getAnnotation(ConfigDoc.class);
            } catch (NoSuchFieldException e) {
                doc = null;
            }
        }
        return doc == null || doc.value().isBlank() ? Optional.empty() : Optional.of(doc.value().strip());
    }

    private static String propertyName(Class<?> record, RecordComponent c) {
        JsonProperty p = c.getAnnotation(JsonProperty.class);
        if (p == null) {
            try {
                Field f = record.getDeclaredField(c.getName());
                p = f.getAnnotation(JsonProperty.class);
            } catch (NoSuchFieldException e) {
                p = null;
            }
        }
        return p != null && !p.value().isEmpty() ? p.value() : c.getName();
    }

    /** A readable type: {@code int}, {@code List<String>}, {@code one of sgd, adamw} (enums by their JSON names). */
    static String typeName(Type type) {
        if (type instanceof Class<?> c) {
            if (c.isEnum()) {
                return "one of " + Arrays.stream(c.getEnumConstants())
                        .map(e -> JSON.valueToTree(e).asText()).collect(Collectors.joining(", "));
            }
            if (c.isArray()) {
                return typeName(c.getComponentType()) + "[]";
            }
            if (c == ObjectNode.class || c == JsonNode.class) {
                return "object";
            }
            return c.getSimpleName();
        }
        if (type instanceof ParameterizedType p) {
            return typeName(p.getRawType()) + Arrays.stream(p.getActualTypeArguments()).map(ConfigField::typeName)
                    .collect(Collectors.joining(", ", "<", ">"));
        }
        if (type instanceof GenericArrayType g) {
            return typeName(g.getGenericComponentType()) + "[]";
        }
        return type.getTypeName();
    }

    private static String compact(JsonNode node) {
        if (node instanceof ObjectNode o && o.size() == 2 && o.has("name") && o.get("name").isTextual()
                && o.get("config") instanceof ObjectNode config && config.isEmpty()) {
            return o.get("name").asText();
        }
        if (node instanceof ArrayNode a) {
            List<String> items = new ArrayList<>();
            a.forEach(n -> items.add(compact(n)));
            return items.stream().collect(Collectors.joining(", ", "[", "]"));
        }
        if (node instanceof ObjectNode o) {
            List<String> items = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                items.add(e.getKey() + ": " + compact(e.getValue()));
            }
            return items.stream().collect(Collectors.joining(", ", "{", "}"));
        }
        return node.toString();
    }
}
