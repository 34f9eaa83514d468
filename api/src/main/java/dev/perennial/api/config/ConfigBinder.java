package dev.perennial.api.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Binds a configuration record from a JSON tree (parsed from YAML or JSON) over the record's defaults, with
 * messages a user can act on.
 *
 * <p>How a binding works: the defaults are turned into a tree, the given fields are laid over it (a field
 * whose type is itself a record is merged field by field; anything else is replaced), and the result is
 * bound with Jackson. Binding is strict:
 * <ul>
 *   <li>an unknown field is an error that lists the accepted fields and their types;</li>
 *   <li>a value of the wrong type is an error (no string-to-number coercion, no truncation of {@code 1.5}
 *       to an {@code int}, no {@code null} for a primitive, no enum by index), naming the field, the
 *       expected type and the value given;</li>
 *   <li>an exception thrown by the record's compact constructor (its validation) becomes an error carrying
 *       that exception's message.</li>
 * </ul>
 * Every error is a {@link ConfigException} whose message starts with {@code where} (e.g.
 * {@code experiment.yaml: learner}); Jackson's exception is attached as the cause only.
 *
 * <p>Jackson must be able to reach the record: a record in a named module needs its package opened to
 * {@code com.fasterxml.jackson.databind} ({@code opens my.pkg to com.fasterxml.jackson.databind;}) or, for a
 * public record, exported. This is checked first, and the error names the line to add.
 */
public final class ConfigBinder {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private static final String JACKSON_MODULE = "com.fasterxml.jackson.databind";

    /** The longest validation message passed on whole. */
    private static final int MAX_REASON_CHARS = 500;

    private ConfigBinder() {}

    /**
     * Binds {@code node} over {@code defaults}.
     *
     * @param node the given fields: an object, or {@code null} / a JSON null / a missing node for "none given"
     * @param type the configuration type, normally a record
     * @param defaults the values of fields that {@code node} leaves out; {@code null} for no defaults
     * @param where where the configuration comes from, for messages, e.g. {@code experiment.yaml: learner}
     * @param <T> the configuration type
     * @return the bound, validated configuration
     * @throws ConfigException naming {@code where}, the field and what is accepted, when binding fails
     */
    public static <T> T bind(JsonNode node, Class<T> type, T defaults, String where) {
        checkReachable(type, where);
        if (node != null && !node.isNull() && !node.isMissingNode() && !node.isObject()) {
            throw new ConfigException(where + ": expected an object with the fields " + acceptedFields(type)
                    + ", got " + render(node));
        }
        ObjectNode base = defaults == null ? JsonNodeFactory.instance.objectNode() : defaultsTree(defaults, type, where);
        ObjectNode merged = node instanceof ObjectNode given ? overlay(base, given, type) : base;
        try {
            return MAPPER.readerFor(type).readValue(merged);
        } catch (UnrecognizedPropertyException e) {
            throw unknownField(e, where);
        } catch (ValueInstantiationException e) {
            throw rejected(e, where);
        } catch (InvalidDefinitionException e) {
            throw new ConfigException(where + ": the configuration type " + type.getName()
                    + " cannot be bound by Jackson: " + e.getOriginalMessage(), e);
        } catch (MismatchedInputException e) {
            throw mistyped(e, merged, where);
        } catch (JsonMappingException e) {
            Throwable validation = validationCause(e);
            if (validation != null) {
                throw new ConfigException(where + fieldPrefix(e.getPath()) + ": " + bounded(validation.getMessage()),
                        e);
            }
            throw new ConfigException(where + fieldPrefix(e.getPath()) + ": " + bounded(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new ConfigException(where + ": cannot bind " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The fields a configuration type accepts, with their types, as the error messages list them.
     *
     * @param type a record type
     * @return e.g. {@code [learningRate (double), epochs (int)]}; for a non-record type, its simple name
     */
    public static String acceptedFields(Class<?> type) {
        if (!type.isRecord()) {
            return type.getSimpleName();
        }
        return properties(type).entrySet().stream()
                .map(e -> e.getKey() + " (" + typeName(e.getValue().getGenericType()) + ")")
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * Fails when Jackson, living in module {@code com.fasterxml.jackson.databind}, may not construct
     * {@code type}: its module must open the package to Jackson, or export it when the type is public.
     */
    private static void checkReachable(Class<?> type, String where) {
        Module owner = type.getModule();
        if (!owner.isNamed()) {
            return;
        }
        Module jackson = ObjectMapper.class.getModule();
        String pkg = type.getPackageName();
        if (owner.isOpen(pkg, jackson) || (isPublicAllTheWay(type) && owner.isExported(pkg, jackson))) {
            return;
        }
        throw new ConfigException(where + ": Jackson cannot reach the configuration record " + type.getName()
                + " in module " + owner.getName() + "; add `opens " + pkg + " to " + JACKSON_MODULE
                + ";` to that module's module-info.java"
                + (isPublicAllTheWay(type) ? " (or `exports " + pkg + ";`)" : " (the type is not public, so"
                + " exporting the package is not enough)"));
    }

    private static boolean isPublicAllTheWay(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            if (!Modifier.isPublic(c.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The defaults as a tree. For a record only its components are kept: Jackson would also serialize a
     * bean-style getter on the record, which the strict binding would then reject as an unknown field.
     */
    private static ObjectNode defaultsTree(Object defaults, Class<?> type, String where) {
        JsonNode tree;
        try {
            tree = MAPPER.valueToTree(defaults);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": the default configuration of type " + type.getName()
                    + " cannot be turned into fields: " + e.getMessage(), e);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new ConfigException(where + ": the default configuration of type " + type.getName()
                    + " is not an object but " + render(tree));
        }
        if (type.isRecord()) {
            object.retain(properties(type).keySet());
        }
        return object;
    }

    /** Lays {@code given} over {@code base}; record-typed fields merge field by field, others are replaced. */
    private static ObjectNode overlay(ObjectNode base, ObjectNode given, Class<?> type) {
        ObjectNode result = base.deepCopy();
        Map<String, RecordComponent> components = type.isRecord() ? properties(type) : Map.of();
        for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            RecordComponent component = components.get(field.getKey());
            JsonNode old = result.get(field.getKey());
            if (component != null && component.getType().isRecord() && old instanceof ObjectNode oldObject
                    && field.getValue() instanceof ObjectNode newObject) {
                result.set(field.getKey(), overlay(oldObject, newObject, component.getType()));
            } else {
                result.set(field.getKey(), field.getValue().deepCopy());
            }
        }
        return result;
    }

    /** The record's components by the name Jackson uses for them ({@link JsonProperty} if given). */
    private static Map<String, RecordComponent> properties(Class<?> recordType) {
        Map<String, RecordComponent> out = new LinkedHashMap<>();
        for (RecordComponent c : recordType.getRecordComponents()) {
            out.put(propertyName(recordType, c), c);
        }
        return out;
    }

    private static String propertyName(Class<?> recordType, RecordComponent c) {
        JsonProperty p = c.getAnnotation(JsonProperty.class);
        if (p == null) {
            try {
                Field f = recordType.getDeclaredField(c.getName());
                p = f.getAnnotation(JsonProperty.class);
            } catch (NoSuchFieldException e) {
                p = null;
            }
        }
        return p != null && !p.value().isEmpty() ? p.value() : c.getName();
    }

    private static ConfigException unknownField(UnrecognizedPropertyException e, String where) {
        List<JsonMappingException.Reference> path = e.getPath();
        String container = path.size() > 1 ? " in '" + pathText(path.subList(0, path.size() - 1)) + "'" : "";
        Class<?> owner = e.getReferringClass();
        String accepted;
        if (owner != null && owner.isRecord()) {
            accepted = acceptedFields(owner);
        } else {
            Collection<Object> known = e.getKnownPropertyIds();
            accepted = known == null ? "[]" : known.stream().map(String::valueOf).sorted()
                    .collect(Collectors.joining(", ", "[", "]"));
        }
        return new ConfigException(where + ": unknown field '" + Abbreviated.value(e.getPropertyName()) + "'"
                + container
                + "; accepted fields: " + accepted, e);
    }

    private static ConfigException rejected(ValueInstantiationException e, String where) {
        Throwable cause = validationCause(e);
        String reason = cause != null && cause.getMessage() != null ? cause.getMessage() : e.getOriginalMessage();
        return new ConfigException(where + fieldPrefix(e.getPath()) + ": " + bounded(reason), e);
    }

    /** The exception a record's constructor threw, under Jackson's wrapping. */
    private static Throwable validationCause(Throwable e) {
        Throwable c = e.getCause();
        while (c != null && (c instanceof InvocationTargetException || c instanceof JsonMappingException)) {
            c = c.getCause();
        }
        return c;
    }

    private static ConfigException mistyped(MismatchedInputException e, JsonNode merged, String where) {
        List<JsonMappingException.Reference> path = e.getPath();
        Object value = e instanceof InvalidFormatException f ? f.getValue() : null;
        String given = value != null ? render(MAPPER.valueToTree(value)) : render(at(merged, path));
        Class<?> target = e.getTargetType();
        String expected = target == null ? "another type" : expectedText(target);
        String field = path.isEmpty() ? "the configuration" : "field '" + pathText(path) + "'";
        return new ConfigException(where + ": " + field + " expects " + expected + ", got " + given, e);
    }

    private static String expectedText(Class<?> target) {
        if (target.isEnum()) {
            return "one of " + Arrays.stream(target.getEnumConstants()).map(String::valueOf)
                    .collect(Collectors.joining(", ", "[", "]"));
        }
        if (target.isRecord()) {
            return "an object with the fields " + acceptedFields(target);
        }
        return typeName(target);
    }

    private static JsonNode at(JsonNode root, List<JsonMappingException.Reference> path) {
        JsonNode node = root;
        for (JsonMappingException.Reference r : path) {
            if (node == null) {
                return MissingNode.getInstance();
            }
            node = r.getFieldName() != null ? node.get(r.getFieldName()) : node.get(r.getIndex());
        }
        return node == null ? MissingNode.getInstance() : node;
    }

    private static String fieldPrefix(List<JsonMappingException.Reference> path) {
        return path.isEmpty() ? "" : ": field '" + pathText(path) + "'";
    }

    private static String pathText(List<JsonMappingException.Reference> path) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null) {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(Abbreviated.value(r.getFieldName()));
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static String render(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return Abbreviated.value(node.toString());
    }

    /**
     * A message written by a configuration record's validation, which may quote a value in full: kept to
     * {@value #MAX_REASON_CHARS} characters.
     */
    private static String bounded(String reason) {
        if (reason == null || reason.length() <= MAX_REASON_CHARS) {
            return reason;
        }
        return reason.substring(0, MAX_REASON_CHARS) + "…(" + reason.length() + " chars)";
    }

    /** A short, readable name of a Java type: {@code int}, {@code List<String>}, {@code Mode (FAST|SLOW)}. */
    private static String typeName(Type type) {
        if (type instanceof Class<?> c) {
            if (c.isEnum()) {
                return c.getSimpleName() + " " + Arrays.stream(c.getEnumConstants()).map(String::valueOf)
                        .collect(Collectors.joining("|", "(", ")"));
            }
            if (c.isArray()) {
                return typeName(c.getComponentType()) + "[]";
            }
            return c.getSimpleName();
        }
        if (type instanceof ParameterizedType p) {
            return typeName(p.getRawType()) + Arrays.stream(p.getActualTypeArguments()).map(ConfigBinder::typeName)
                    .collect(Collectors.joining(", ", "<", ">"));
        }
        if (type instanceof GenericArrayType g) {
            return typeName(g.getGenericComponentType()) + "[]";
        }
        return type.getTypeName();
    }
}
