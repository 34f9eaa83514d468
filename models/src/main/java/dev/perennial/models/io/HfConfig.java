package dev.perennial.models.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Hugging Face {@code config.json} object (or one of its nested objects, such as {@code text_config}), read with
 * typed getters that take the default the HF class uses when the key is absent or null. Every error names the
 * field by its path from the file's root ({@code text_config.hidden_act}) and what is accepted; callers prefix the
 * file name.
 */
public final class HfConfig {
    private final JsonObject object;
    private final String prefix;

    private HfConfig(JsonObject object, String prefix) {
        this.object = object;
        this.prefix = prefix;
    }

    /**
     * Reads a {@code config.json}.
     *
     * @param file the file
     * @return its root object
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException naming the file if it is absent, not JSON or not an object
     */
    public static HfConfig read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " does not exist; a Hugging Face model directory needs "
                    + "config.json");
        }
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Parses a JSON object.
     *
     * @param json the text
     * @param where the file or source, for messages
     * @return the object
     * @throws IllegalArgumentException naming {@code where} if the text is not a JSON object
     */
    public static HfConfig parse(String json, String where) {
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(where + ": expected a JSON object");
            }
            return new HfConfig(e.getAsJsonObject(), "");
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(where + ": not valid JSON (" + e.getMessage() + ")", e);
        }
    }

    /**
     * @param key a key of this object
     * @return whether it is present and not null
     */
    public boolean has(String key) {
        return object.has(key) && !object.get(key).isJsonNull();
    }

    /**
     * A nested object; an absent or null key gives an empty object (every field then takes its default).
     *
     * @param key the key
     * @return the nested object
     * @throws IllegalArgumentException if the value is not an object
     */
    public HfConfig object(String key) {
        if (!has(key)) {
            return new HfConfig(new JsonObject(), prefix + key + ".");
        }
        JsonElement e = object.get(key);
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException(prefix + key + " must be an object");
        }
        return new HfConfig(e.getAsJsonObject(), prefix + key + ".");
    }

    /**
     * @param key the key
     * @return the field's full name, for messages ({@code text_config.hidden_act})
     */
    public String field(String key) {
        return prefix + key;
    }

    private JsonPrimitive primitive(String key) {
        if (!has(key)) {
            return null;
        }
        JsonElement e = object.get(key);
        if (!e.isJsonPrimitive()) {
            throw new IllegalArgumentException(field(key) + " must be a number, string or boolean, got " + e);
        }
        return e.getAsJsonPrimitive();
    }

    /**
     * @param key the key
     * @param fallback the value when absent
     * @return the integer
     * @throws IllegalArgumentException if the value is not an integer
     */
    public long integer(String key, long fallback) {
        JsonPrimitive p = primitive(key);
        if (p == null) {
            return fallback;
        }
        if (!p.isNumber() || p.getAsDouble() != Math.rint(p.getAsDouble())) {
            throw new IllegalArgumentException(field(key) + " must be an integer, got " + p);
        }
        return p.getAsLong();
    }

    /**
     * An integer that must fit an {@code int} and be at least 1 (sizes and counts).
     *
     * @param key the key
     * @param fallback the value when absent
     * @return the value
     * @throws IllegalArgumentException if it is not a positive int
     */
    public int size(String key, int fallback) {
        long v = integer(key, fallback);
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(field(key) + " must be in 1.." + Integer.MAX_VALUE + ", got " + v);
        }
        return (int) v;
    }

    /**
     * @param key the key
     * @param fallback the value when absent
     * @return the number
     * @throws IllegalArgumentException if the value is not a number
     */
    public double number(String key, double fallback) {
        JsonPrimitive p = primitive(key);
        if (p == null) {
            return fallback;
        }
        if (!p.isNumber()) {
            throw new IllegalArgumentException(field(key) + " must be a number, got " + p);
        }
        return p.getAsDouble();
    }

    /**
     * @param key the key
     * @param fallback the value when absent
     * @return the boolean
     * @throws IllegalArgumentException if the value is not a boolean
     */
    public boolean bool(String key, boolean fallback) {
        JsonPrimitive p = primitive(key);
        if (p == null) {
            return fallback;
        }
        if (!p.isBoolean()) {
            throw new IllegalArgumentException(field(key) + " must be true or false, got " + p);
        }
        return p.getAsBoolean();
    }

    /**
     * @param key the key
     * @param fallback the value when absent
     * @return the value as a string
     */
    public String string(String key, String fallback) {
        JsonPrimitive p = primitive(key);
        return p == null ? fallback : p.getAsString();
    }
}
