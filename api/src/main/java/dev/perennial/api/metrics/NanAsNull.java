package dev.perennial.api.metrics;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON for numbers that may be missing: a score that was not evaluated (a future task's cell of the accuracy
 * matrix), an undefined summary number, a skipped step's loss. They are {@code NaN} in Java and {@code null} in
 * JSON, never Jackson's default string {@code "NaN"}, which other JSON readers take for text and which made the
 * resume of a run with two metrics fail on a cast. Reading accepts {@code null}, numbers and, for files written
 * before, the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}.
 *
 * <p>Use on a field: {@code @JsonSerialize(using = NanAsNull.Writer.class)
 * @JsonDeserialize(using = NanAsNull.Reader.class)}. Both handle a {@code double}, {@code double[]}, nested arrays,
 * lists and maps of these, at any depth.
 */
public final class NanAsNull {
    private NanAsNull() {}

    /** Writes every non-finite number in a value as {@code null}; anything else as Jackson would. */
    public static final class Writer extends StdSerializer<Object> {
        private static final long serialVersionUID = 1L;

        /** Created by Jackson. */
        public Writer() {
            super(Object.class);
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            write(value, gen, provider);
        }

        private static void write(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (value == null) {
                gen.writeNull();
            } else if (value instanceof Double || value instanceof Float) {
                double d = ((Number) value).doubleValue();
                if (Double.isFinite(d)) {
                    gen.writeNumber(d);
                } else {
                    gen.writeNull();
                }
            } else if (value instanceof double[] row) {
                gen.writeStartArray(row, row.length);
                for (double d : row) {
                    if (Double.isFinite(d)) {
                        gen.writeNumber(d);
                    } else {
                        gen.writeNull();
                    }
                }
                gen.writeEndArray();
            } else if (value instanceof Object[] rows) {
                gen.writeStartArray(rows, rows.length);
                for (Object r : rows) {
                    write(r, gen, provider);
                }
                gen.writeEndArray();
            } else if (value instanceof Collection<?> list) {
                gen.writeStartArray(list, list.size());
                for (Object r : list) {
                    write(r, gen, provider);
                }
                gen.writeEndArray();
            } else if (value instanceof Map<?, ?> map) {
                gen.writeStartObject(map);
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    gen.writeFieldName(String.valueOf(e.getKey()));
                    write(e.getValue(), gen, provider);
                }
                gen.writeEndObject();
            } else {
                provider.defaultSerializeValue(value, gen);
            }
        }
    }

    /**
     * Reads a field written by {@link Writer} (or by Jackson's default, with {@code "NaN"} strings) into the field's
     * declared type, {@code null} becoming {@code NaN}.
     */
    public static final class Reader extends JsonDeserializer<Object> implements ContextualDeserializer {
        private final JavaType type;

        /** Created by Jackson; {@link #createContextual} gives the field's type. */
        public Reader() {
            this(null);
        }

        private Reader(JavaType type) {
            this.type = type;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            return new Reader(property == null ? ctxt.getContextualType() : property.getType());
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode tree = ctxt.readTree(p);
            return ctxt.readTreeAsValue(nullsToNaN(tree), type);
        }

        @Override
        public Object getNullValue(DeserializationContext ctxt) {
            if (type != null && (type.getRawClass() == double.class || type.getRawClass() == Double.class)) {
                return Double.NaN;
            }
            return null;
        }

        private static JsonNode nullsToNaN(JsonNode node) {
            if (node == null || node.isNull()) {
                return DoubleNode.valueOf(Double.NaN);
            }
            if (node instanceof ArrayNode a) {
                for (int i = 0; i < a.size(); i++) {
                    a.set(i, nullsToNaN(a.get(i)));
                }
            } else if (node instanceof ObjectNode o) {
                for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    e.setValue(nullsToNaN(e.getValue()));
                }
            }
            return node;
        }
    }
}
