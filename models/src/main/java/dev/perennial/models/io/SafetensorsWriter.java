package dev.perennial.models.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Writes named tensors as one safetensors file, in the order they were added, with the header padded to a
 * multiple of 8 bytes as the reference implementation does.
 *
 * <p>The file is written to a temporary sibling and moved into place, so a crash never leaves a half-written
 * checkpoint under the final name. Each tensor's bytes are fetched from the engine only when it is written, so
 * memory beyond the model stays at one tensor.
 *
 * <pre>{@code
 * SafetensorsWriter.create()
 *     .add("fc.weight", weight)
 *     .addAsBf16("fc.bias", bias)           // narrowed in Java, round to nearest even
 *     .metadata("format", "pt")
 *     .write(path);
 * }</pre>
 */
public final class SafetensorsWriter {

    private interface Bytes {
        ByteBuffer get();
    }

    private record Entry(String name, SafetensorsDType dtype, Shape shape, long length, Bytes bytes) {}

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private SafetensorsWriter() {}

    /**
     * A new, empty writer.
     *
     * @return the writer
     */
    public static SafetensorsWriter create() {
        return new SafetensorsWriter();
    }

    /**
     * Writes tensors keyed by name, in the map's iteration order.
     *
     * @param path the file to write
     * @param tensors the tensors
     * @throws IOException if the file cannot be written
     */
    public static void write(Path path, Map<String, NDArray> tensors) throws IOException {
        SafetensorsWriter writer = create();
        tensors.forEach(writer::add);
        writer.write(path);
    }

    /**
     * Adds a tensor in its own type (float64/32/16, int64/32/8, uint8, bool). The array is read when
     * {@link #write} runs, so it must stay open until then.
     *
     * @param name the tensor name
     * @param array the tensor
     * @return this writer
     * @throws IllegalArgumentException for a duplicate name or a type safetensors cannot hold
     */
    public SafetensorsWriter add(String name, NDArray array) {
        SafetensorsDType dtype = SafetensorsDType.of(array.getDataType());
        Shape shape = array.getShape();
        long length = shape.size() * dtype.byteSize();
        return put(new Entry(name, dtype, shape, length, () -> littleEndian(array.toByteBuffer())));
    }

    /**
     * Adds a float32 tensor stored as BF16, narrowed in Java with round-to-nearest-even (no BF16 tensor is ever
     * created in the engine, which would abort the JVM).
     *
     * @param name the tensor name
     * @param array a float32 tensor
     * @return this writer
     * @throws IllegalArgumentException if the array is not float32, or for a duplicate name
     */
    public SafetensorsWriter addAsBf16(String name, NDArray array) {
        if (array.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("tensor '" + name + "': BF16 is written from FLOAT32 arrays, found "
                    + array.getDataType());
        }
        Shape shape = array.getShape();
        return put(new Entry(name, SafetensorsDType.BF16, shape, shape.size() * 2, () -> {
            float[] values = array.toFloatArray();
            ByteBuffer out = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                out.putShort(toBf16(v));
            }
            return out.flip();
        }));
    }

    /**
     * Adds a tensor from raw little-endian bytes, for any dtype of the format (used to produce files in dtypes
     * DJL cannot hold).
     *
     * @param name the tensor name
     * @param dtype the dtype
     * @param shape the shape
     * @param littleEndianBytes exactly {@code shape.size() * dtype.byteSize()} bytes
     * @return this writer
     * @throws IllegalArgumentException if the byte count does not match the shape, or for a duplicate name
     */
    public SafetensorsWriter addRaw(String name, SafetensorsDType dtype, Shape shape, byte[] littleEndianBytes) {
        long expected = shape.size() * dtype.byteSize();
        if (littleEndianBytes.length != expected) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + shape + " of " + dtype + " needs "
                    + expected + " bytes, got " + littleEndianBytes.length);
        }
        byte[] copy = littleEndianBytes.clone();
        return put(new Entry(name, dtype, shape, expected, () -> ByteBuffer.wrap(copy)));
    }

    /**
     * Adds a {@code __metadata__} entry.
     *
     * @param key the key
     * @param value the value
     * @return this writer
     */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Writes the file (atomically replacing any existing one).
     *
     * @param path the file to write
     * @throws IOException if it cannot be written
     */
    public void write(Path path) throws IOException {
        byte[] header = header();
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
                writeFully(out, length.flip());
                writeFully(out, ByteBuffer.wrap(header));
                for (Entry e : entries.values()) {
                    ByteBuffer bytes = e.bytes().get();
                    if (bytes.remaining() != e.length()) {
                        throw new IOException(path + ", tensor '" + e.name() + "': engine returned "
                                + bytes.remaining() + " bytes, expected " + e.length());
                    }
                    writeFully(out, bytes);
                }
                out.force(true);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Narrows a float to bfloat16 bits with round-to-nearest-even; NaN stays a quiet NaN.
     *
     * @param value the float
     * @return the upper 16 bits after rounding
     */
    static short toBf16(float value) {
        if (Float.isNaN(value)) {
            return (short) 0x7FC0;
        }
        int bits = Float.floatToRawIntBits(value);
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    private SafetensorsWriter put(Entry entry) {
        if (entry.name().equals(SafetensorsHeader.METADATA_KEY)) {
            throw new IllegalArgumentException("'" + SafetensorsHeader.METADATA_KEY + "' is reserved for metadata");
        }
        if (entries.putIfAbsent(entry.name(), entry) != null) {
            throw new IllegalArgumentException("tensor '" + entry.name() + "' was added twice");
        }
        return this;
    }

    private byte[] header() throws IOException {
        StringWriter text = new StringWriter();
        try (JsonWriter json = new JsonWriter(text)) {
            json.beginObject();
            if (!metadata.isEmpty()) {
                json.name(SafetensorsHeader.METADATA_KEY).beginObject();
                for (Map.Entry<String, String> m : metadata.entrySet()) {
                    json.name(m.getKey()).value(m.getValue());
                }
                json.endObject();
            }
            long offset = 0;
            for (Entry e : entries.values()) {
                json.name(e.name()).beginObject();
                json.name("dtype").value(e.dtype().name());
                json.name("shape").beginArray();
                for (long d : e.shape().getShape()) {
                    json.value(d);
                }
                json.endArray();
                json.name("data_offsets").beginArray().value(offset).value(offset + e.length()).endArray();
                json.endObject();
                offset += e.length();
            }
            json.endObject();
        }
        byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (utf8.length + 7) / 8 * 8;
        byte[] out = new byte[padded];
        System.arraycopy(utf8, 0, out, 0, utf8.length);
        for (int i = utf8.length; i < padded; i++) {
            out[i] = ' ';
        }
        return out;
    }

    /** DJL returns native-order bytes; the format is little-endian. */
    private static ByteBuffer littleEndian(ByteBuffer bytes) {
        if (bytes.order() == ByteOrder.LITTLE_ENDIAN || ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            return bytes;
        }
        throw new UnsupportedOperationException("writing safetensors on a big-endian host is not supported");
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }
}
