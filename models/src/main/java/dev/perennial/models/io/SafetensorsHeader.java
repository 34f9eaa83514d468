package dev.perennial.models.io;

import ai.djl.ndarray.types.Shape;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors header, parsed and fully validated before any tensor byte is touched.
 *
 * <p>Layout (djl-notes §1.2): {@code [u64 little-endian N][N bytes UTF-8 JSON][data]}. The checks follow the
 * reference implementation: N bounded, strict JSON object, each entry with a known dtype, non-negative
 * dimensions, {@code data_offsets} whose length equals {@code prod(shape) × dtype size}, and entries that tile
 * the data section exactly (sorted by offset: no overlap, no gap, nothing after the last tensor).
 *
 * @param tensors the tensors by name, in header order
 * @param metadata the {@code __metadata__} string map (empty if absent)
 * @param dataStart the absolute file offset of the data section ({@code 8 + N})
 */
record SafetensorsHeader(Map<String, TensorInfo> tensors, Map<String, String> metadata, long dataStart) {

    /** The largest header accepted, as in the reference implementation (100 MB). */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    /** The reserved key that holds string metadata instead of a tensor. */
    static final String METADATA_KEY = "__metadata__";

    /**
     * Validates the header length field against the bound and the file size.
     *
     * @param file the file (for messages)
     * @param headerLength the little-endian u64 read from the first 8 bytes, as a signed long
     * @param fileSize the file size
     * @throws CheckpointException if the claim is impossible
     */
    static void checkHeaderLength(Path file, long headerLength, long fileSize) throws CheckpointException {
        // A u64 above Long.MAX_VALUE reads as negative here.
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw new CheckpointException(file, "header length " + Long.toUnsignedString(headerLength)
                    + " bytes exceeds the limit of " + MAX_HEADER_BYTES + " bytes; not a safetensors file or corrupt");
        }
        if (headerLength > fileSize - 8) {
            throw new CheckpointException(file, "header length " + headerLength + " bytes is larger than the "
                    + (fileSize - 8) + " bytes that follow the length field; the file is truncated or not safetensors");
        }
        if (headerLength < 2) {
            throw new CheckpointException(file, "header length " + headerLength + " is too short for a JSON object");
        }
    }

    /**
     * Parses and validates a header.
     *
     * @param file the file (for messages)
     * @param headerBytes the N header bytes
     * @param dataLength the number of bytes after the header
     * @return the validated header
     * @throws CheckpointException on any violation, naming the tensor concerned
     */
    static SafetensorsHeader parse(Path file, ByteBuffer headerBytes, long dataLength) throws CheckpointException {
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerBytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(file, null, "header is not valid UTF-8", e);
        }
        if (!json.startsWith("{")) {
            throw new CheckpointException(file, "header is not a JSON object (it must start with '{'); "
                    + "not a safetensors file");
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        boolean sawMetadata = false;
        try (JsonReader reader = new JsonReader(new StringReader(json))) {
            reader.setStrictness(Strictness.STRICT);
            reader.beginObject();
            while (reader.hasNext()) {
                String name = reader.nextName();
                if (tensors.containsKey(name) || (name.equals(METADATA_KEY) && sawMetadata)) {
                    throw new CheckpointException(file, name, "appears twice in the header", null);
                }
                if (name.equals(METADATA_KEY)) {
                    sawMetadata = true;
                    readMetadata(file, reader, metadata);
                } else {
                    tensors.put(name, readTensor(file, name, reader));
                }
            }
            reader.endObject();
            // Trailing spaces are the format's padding; anything else after the object is an error.
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new CheckpointException(file, "unexpected content after the header's JSON object");
            }
        } catch (CheckpointException e) {
            throw e;
        } catch (MalformedJsonException | IllegalStateException | NumberFormatException e) {
            throw new CheckpointException(file, null, "header is not well-formed safetensors JSON: "
                    + describeJsonError(e), e);
        } catch (IOException e) {
            throw new CheckpointException(file, null, "header is not well-formed JSON: " + describeJsonError(e), e);
        }
        checkLayout(file, tensors, dataLength);
        return new SafetensorsHeader(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata),
                -1);
    }

    /**
     * This header with its data section placed at an absolute file offset.
     *
     * @param start the absolute offset of the data section
     * @return the placed header
     */
    SafetensorsHeader at(long start) {
        return new SafetensorsHeader(tensors, metadata, start);
    }

    /**
     * Gson's parse error without its advice to parse leniently (the wrong fix for a corrupt file) and its link.
     *
     * @param e the parse failure
     * @return where and what went wrong
     */
    static String describeJsonError(Exception e) {
        String message = String.valueOf(e.getMessage());
        int see = message.indexOf("\nSee ");
        if (see >= 0) {
            message = message.substring(0, see);
        }
        return message.replace("com.google.gson.stream.MalformedJsonException: ", "")
                .replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "malformed JSON")
                .trim();
    }

    private static void readMetadata(Path file, JsonReader reader, Map<String, String> out) throws IOException {
        if (reader.peek() != JsonToken.BEGIN_OBJECT) {
            throw new CheckpointException(file, METADATA_KEY + " must be an object of strings, found " + reader.peek());
        }
        reader.beginObject();
        while (reader.hasNext()) {
            String key = reader.nextName();
            if (reader.peek() != JsonToken.STRING) {
                throw new CheckpointException(file, METADATA_KEY + "." + key + " must be a string, found "
                        + reader.peek());
            }
            out.put(key, reader.nextString());
        }
        reader.endObject();
    }

    private static TensorInfo readTensor(Path file, String name, JsonReader reader) throws IOException {
        if (reader.peek() != JsonToken.BEGIN_OBJECT) {
            throw new CheckpointException(file, name, "entry must be an object with dtype, shape and data_offsets, "
                    + "found " + reader.peek(), null);
        }
        String dtypeName = null;
        long[] shape = null;
        long[] offsets = null;
        reader.beginObject();
        while (reader.hasNext()) {
            String field = reader.nextName();
            switch (field) {
                case "dtype":
                    if (reader.peek() != JsonToken.STRING) {
                        throw new CheckpointException(file, name, "dtype must be a string", null);
                    }
                    dtypeName = reader.nextString();
                    break;
                case "shape":
                    shape = readLongs(file, name, "shape", reader);
                    break;
                case "data_offsets":
                    offsets = readLongs(file, name, "data_offsets", reader);
                    break;
                default:
                    throw new CheckpointException(file, name, "unknown field '" + field
                            + "'; accepted: dtype, shape, data_offsets", null);
            }
        }
        reader.endObject();
        if (dtypeName == null || shape == null || offsets == null) {
            throw new CheckpointException(file, name, "entry lacks "
                    + (dtypeName == null ? "dtype" : shape == null ? "shape" : "data_offsets"), null);
        }
        String dtypeText = dtypeName;
        SafetensorsDType dtype = SafetensorsDType.fromName(dtypeText).orElseThrow(() -> new CheckpointException(
                file, name, "unknown dtype '" + dtypeText + "'; known: " + SafetensorsDType.knownNames(), null));
        if (offsets.length != 2) {
            throw new CheckpointException(file, name, "data_offsets must be [begin, end], found "
                    + offsets.length + " numbers", null);
        }
        if (offsets[1] < offsets[0]) {
            throw new CheckpointException(file, name, "data_offsets end " + offsets[1] + " is before begin "
                    + offsets[0], null);
        }
        long elements = 1;
        for (long d : shape) {
            try {
                elements = Math.multiplyExact(elements, d);
            } catch (ArithmeticException e) {
                throw new CheckpointException(file, name, "shape " + java.util.Arrays.toString(shape)
                        + " has more elements than a long can count", e);
            }
        }
        long expectedBytes;
        try {
            expectedBytes = Math.multiplyExact(elements, dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new CheckpointException(file, name, "shape " + java.util.Arrays.toString(shape) + " is too large", e);
        }
        if (offsets[1] - offsets[0] != expectedBytes) {
            throw new CheckpointException(file, name, "shape " + java.util.Arrays.toString(shape) + " of " + dtype
                    + " needs " + expectedBytes + " bytes but data_offsets [" + offsets[0] + ", " + offsets[1]
                    + "] span " + (offsets[1] - offsets[0]), null);
        }
        return new TensorInfo(name, dtype, new Shape(shape), offsets[0], offsets[1]);
    }

    /** Reads an array of non-negative integers; decimals, exponents and negative values are errors. */
    private static long[] readLongs(Path file, String name, String field, JsonReader reader) throws IOException {
        if (reader.peek() != JsonToken.BEGIN_ARRAY) {
            throw new CheckpointException(file, name, field + " must be an array of integers, found "
                    + reader.peek(), null);
        }
        List<Long> values = new ArrayList<>();
        reader.beginArray();
        while (reader.hasNext()) {
            if (reader.peek() != JsonToken.NUMBER) {
                throw new CheckpointException(file, name, field + " must hold integers, found " + reader.peek(), null);
            }
            String text = reader.nextString();
            long v;
            try {
                v = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new CheckpointException(file, name, field + " value '" + text + "' is not an integer "
                        + "in the range of a long", e);
            }
            if (v < 0) {
                throw new CheckpointException(file, name, field + " value " + v + " is negative; "
                        + "only values >= 0 are accepted", null);
            }
            values.add(v);
        }
        reader.endArray();
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    /** The tensors must tile [0, dataLength) exactly: sorted by offset, each starts where the previous ended. */
    private static void checkLayout(Path file, Map<String, TensorInfo> tensors, long dataLength)
            throws CheckpointException {
        List<TensorInfo> sorted = new ArrayList<>(tensors.values());
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long position = 0;
        TensorInfo previous = null;
        for (TensorInfo t : sorted) {
            if (t.end() > dataLength) {
                throw new CheckpointException(file, t.name(), "data_offsets [" + t.begin() + ", " + t.end()
                        + "] run past the end of the data section (" + dataLength + " bytes); the file is truncated "
                        + "or the offsets are wrong", null);
            }
            if (t.begin() < position) {
                throw new CheckpointException(file, t.name(), "data_offsets [" + t.begin() + ", " + t.end()
                        + "] overlap tensor '" + previous.name() + "' [" + previous.begin() + ", " + previous.end()
                        + "]", null);
            }
            if (t.begin() > position) {
                throw new CheckpointException(file, t.name(), "data_offsets begin " + t.begin() + " leaves a gap of "
                        + (t.begin() - position) + " bytes after offset " + position
                        + "; tensors must be stored back to back", null);
            }
            position = t.end();
            previous = t;
        }
        if (position != dataLength) {
            throw new CheckpointException(file, "the data section has " + (dataLength - position)
                    + " bytes after the last tensor (" + dataLength + " bytes in all, tensors end at " + position
                    + "); the header does not describe the whole file");
        }
    }
}
