package dev.perennial.models.diffusion;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Typed reads of a diffusers {@code config.json}; every error names the file and the field. */
final class DiffusersJson {
    private final JsonObject object;
    private final String where;

    private DiffusersJson(JsonObject object, String where) {
        this.object = object;
        this.where = where;
    }

    static DiffusersJson read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    static DiffusersJson parse(String json, String where) {
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(where + ": a diffusers config must be a JSON object");
            }
            return new DiffusersJson(e.getAsJsonObject(), where);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(where + ": not valid JSON (" + e.getMessage() + ")", e);
        }
    }

    IllegalArgumentException error(String key, String problem) {
        return new IllegalArgumentException(where + ": field " + key + " " + problem);
    }

    boolean has(String key) {
        return object.has(key) && !object.get(key).isJsonNull();
    }

    int integer(String key, int fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonElement e = object.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()
                || e.getAsDouble() != Math.rint(e.getAsDouble())) {
            throw error(key, "must be an integer, got " + e);
        }
        return e.getAsInt();
    }

    int positive(String key, int fallback) {
        int v = integer(key, fallback);
        if (v < 1) {
            throw error(key, "must be at least 1, got " + v);
        }
        return v;
    }

    double number(String key, double fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonElement e = object.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw error(key, "must be a number, got " + e);
        }
        return e.getAsDouble();
    }

    boolean bool(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonElement e = object.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw error(key, "must be true or false, got " + e);
        }
        return e.getAsBoolean();
    }

    String string(String key, String fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonElement e = object.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw error(key, "must be a string, got " + e);
        }
        return e.getAsString();
    }

    List<Integer> ints(String key, List<Integer> fallback) {
        if (!has(key)) {
            return fallback;
        }
        List<Integer> out = new ArrayList<>();
        for (JsonElement e : array(key)) {
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber() || e.getAsInt() < 1
                    || e.getAsDouble() != e.getAsInt()) {
                throw error(key, "must be a list of positive integers, got " + object.get(key));
            }
            out.add(e.getAsInt());
        }
        return List.copyOf(out);
    }

    /** An integer or a list of integers (diffusers allows both for head counts), as one value per block. */
    List<Integer> intOrInts(String key, int fallback, int blocks) {
        if (has(key) && object.get(key).isJsonArray()) {
            List<Integer> v = ints(key, List.of());
            if (v.size() != blocks) {
                throw error(key, "has " + v.size() + " entries but there are " + blocks + " blocks");
            }
            return v;
        }
        return java.util.Collections.nCopies(blocks, positive(key, fallback));
    }

    List<String> strings(String key, List<String> fallback) {
        if (!has(key)) {
            return fallback;
        }
        List<String> out = new ArrayList<>();
        for (JsonElement e : array(key)) {
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw error(key, "must be a list of strings, got " + object.get(key));
            }
            out.add(e.getAsString());
        }
        return List.copyOf(out);
    }

    private JsonArray array(String key) {
        JsonElement e = object.get(key);
        if (!e.isJsonArray()) {
            throw error(key, "must be a list, got " + e);
        }
        return e.getAsJsonArray();
    }

    /** Refuses a field that selects a variant this implementation does not build. */
    void requireAbsentOr(String key, String accepted) {
        if (!has(key)) {
            return;
        }
        JsonElement e = object.get(key);
        String v = e.isJsonPrimitive() ? e.getAsString() : e.toString();
        if (accepted == null || !accepted.equals(v)) {
            throw error(key, "is " + e + "; only " + (accepted == null ? "null/absent" : "\"" + accepted + "\"")
                    + " is supported");
        }
    }
}
