package dev.perennial.models.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.nn.Owned;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

/**
 * One safetensors file, opened with its header validated and read tensor by tensor.
 *
 * <p>{@link #open} reads only the 8-byte length and the header; nothing reaches native code until
 * {@link #read}. Tensor bytes are memory-mapped by default ({@link Access#MEMORY_MAP}), so a multi-gigabyte
 * shard never passes through the Java heap: each tensor's region is mapped, widened in Java if its dtype needs
 * it (BF16 → F32, see {@link SafetensorsDType}), and copied once into a tensor the engine owns, so the result
 * never points into the read-only mapping.
 */
public final class SafetensorsFile implements TensorSource {

    /** How tensor bytes are brought into memory. */
    public enum Access {
        /** Map each tensor's region of the file ({@link FileChannel#map}); the default. */
        MEMORY_MAP,
        /** Read each tensor's region into a direct buffer with positional reads. */
        READ
    }

    private static final int MAX_TENSOR_BYTES = Integer.MAX_VALUE - 16;

    private final Path path;
    private final FileChannel channel;
    private final SafetensorsHeader header;
    private final Access access;
    private volatile boolean closed;

    private SafetensorsFile(Path path, FileChannel channel, SafetensorsHeader header, Access access) {
        this.path = path;
        this.channel = channel;
        this.header = header;
        this.access = access;
    }

    /**
     * Opens a file with memory-mapped access.
     *
     * @param path a {@code .safetensors} file
     * @return the open file
     * @throws CheckpointException if the file is pickled, truncated, or its header is malformed
     * @throws IOException if the file cannot be read
     */
    public static SafetensorsFile open(Path path) throws IOException {
        return open(path, Access.MEMORY_MAP);
    }

    /**
     * Opens a file.
     *
     * @param path a {@code .safetensors} file
     * @param access how tensor bytes are brought into memory
     * @return the open file
     * @throws CheckpointException if the file is pickled, truncated, or its header is malformed
     * @throws IOException if the file cannot be read
     */
    public static SafetensorsFile open(Path path, Access access) throws IOException {
        Checkpoints.refusePickled(path);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < 8) {
                throw new CheckpointException(path, "truncated: " + size + " bytes, but a safetensors file starts "
                        + "with an 8-byte header length");
            }
            ByteBuffer lengthField = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(path, channel, lengthField, 0);
            long headerLength = lengthField.flip().getLong();
            SafetensorsHeader.checkHeaderLength(path, headerLength, size);
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(path, channel, headerBytes, 8);
            headerBytes.flip();
            long dataStart = 8 + headerLength;
            SafetensorsHeader header = SafetensorsHeader.parse(path, headerBytes, size - dataStart).at(dataStart);
            return new SafetensorsFile(path, channel, header, access);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * The file.
     *
     * @return its path
     */
    public Path path() {
        return path;
    }

    /**
     * How tensor bytes are read.
     *
     * @return the access mode
     */
    public Access access() {
        return access;
    }

    /**
     * The header's {@code __metadata__} strings.
     *
     * @return the metadata (empty if none)
     */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    @Override
    public Set<String> names() {
        return header.tensors().keySet();
    }

    /**
     * The validated header entry of a tensor.
     *
     * @param name a tensor name
     * @return its dtype, shape and offsets
     * @throws IllegalArgumentException if there is no such tensor
     */
    public TensorInfo info(String name) {
        TensorInfo info = header.tensors().get(name);
        if (info == null) {
            throw new IllegalArgumentException(path + ": no tensor named '" + name + "' (" + names().size()
                    + " tensors in the file)");
        }
        return info;
    }

    @Override
    public Shape shape(String name) {
        return info(name).shape();
    }

    @Override
    public NDArray read(String name, NDManager manager) throws IOException {
        TensorInfo info = info(name);
        if (closed) {
            throw new CheckpointException(path, name, "the file has been closed", null);
        }
        DataType type = info.dtype().djlType().orElseThrow(() -> new CheckpointException(path, name,
                "dtype " + info.dtype() + " is valid safetensors but cannot be read into DJL without loss; "
                        + "convert it to F32, F16, I64 or I32 first", null));
        if (info.byteLength() > MAX_TENSOR_BYTES) {
            throw new CheckpointException(path, name, info.byteLength() + " bytes exceed the 2 GiB a single "
                    + "DJL tensor can be created from", null);
        }
        if (info.shape().size() == 0) {
            NDArray empty = manager.zeros(info.shape(), type);
            empty.setName(name);
            return empty;
        }
        ByteBuffer raw = region(info).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer converted = convert(info, raw);
        // The engine wraps a direct buffer without copying (torch::from_blob), the mapping or a Java buffer that
        // only the wrapping NDArray keeps alive: the owned copy holds its own writable memory, so views of it and
        // arrays that outlive this one stay valid (models.nn.Owned).
        NDArray array = Owned.of(manager, converted, info.shape(), type);
        array.setName(name);
        return array;
    }

    /**
     * Reads every tensor, named, in file order.
     *
     * @param manager where the arrays are created
     * @return the arrays
     * @throws IOException if a tensor cannot be read
     */
    public NDList readAll(NDManager manager) throws IOException {
        NDList out = new NDList();
        for (String name : names()) {
            out.add(read(name, manager));
        }
        return out;
    }

    /**
     * The raw little-endian bytes of a tensor's region, mapped or read according to {@link #access()}.
     *
     * @param info the tensor
     * @return a buffer positioned at 0 holding exactly the tensor's bytes
     * @throws IOException if the region cannot be read
     */
    ByteBuffer region(TensorInfo info) throws IOException {
        long start = header.dataStart() + info.begin();
        int length = (int) info.byteLength();
        if (access == Access.MEMORY_MAP) {
            return channel.map(FileChannel.MapMode.READ_ONLY, start, length);
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect(length);
        readFully(path, channel, buffer, start);
        return buffer.flip();
    }

    /** Widens the dtypes DJL cannot take and checks bool bytes; returns a native-order buffer. */
    private ByteBuffer convert(TensorInfo info, ByteBuffer raw) throws CheckpointException {
        int n = Math.toIntExact(info.shape().size());
        switch (info.dtype()) {
            case BF16: {
                // djl-notes §1.1: f32 bits = bf16 bits << 16, exact.
                ByteBuffer out = allocate(info, (long) n * 4);
                for (int i = 0; i < n; i++) {
                    out.putFloat(Float.intBitsToFloat((raw.getShort(2 * i) & 0xFFFF) << 16));
                }
                return out.flip();
            }
            case I16: {
                ByteBuffer out = allocate(info, (long) n * 4);
                for (int i = 0; i < n; i++) {
                    out.putInt(raw.getShort(2 * i));
                }
                return out.flip();
            }
            case U16: {
                ByteBuffer out = allocate(info, (long) n * 4);
                for (int i = 0; i < n; i++) {
                    out.putInt(raw.getShort(2 * i) & 0xFFFF);
                }
                return out.flip();
            }
            case U32: {
                ByteBuffer out = allocate(info, (long) n * 8);
                for (int i = 0; i < n; i++) {
                    out.putLong(raw.getInt(4 * i) & 0xFFFFFFFFL);
                }
                return out.flip();
            }
            case BOOL: {
                for (int i = 0; i < n; i++) {
                    byte b = raw.get(i);
                    if (b != 0 && b != 1) {
                        throw new CheckpointException(path, info.name(), "BOOL element " + i + " holds byte " + b
                                + "; only 0 and 1 are valid", null);
                    }
                }
                return raw;
            }
            default:
                if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN || info.dtype().byteSize() == 1) {
                    return raw;
                }
                return swapToNative(info, raw);
        }
    }

    private ByteBuffer allocate(TensorInfo info, long bytes) throws CheckpointException {
        if (bytes > MAX_TENSOR_BYTES) {
            throw new CheckpointException(path, info.name(), "widened to " + bytes + " bytes, more than the 2 GiB a "
                    + "single DJL tensor can be created from", null);
        }
        return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
    }

    /** Big-endian hosts only: the file is little-endian, the engine expects native order. */
    private ByteBuffer swapToNative(TensorInfo info, ByteBuffer raw) throws CheckpointException {
        int size = info.dtype().byteSize();
        ByteBuffer out = allocate(info, raw.remaining());
        for (int i = 0; i < raw.remaining(); i += size) {
            for (int b = size - 1; b >= 0; b--) {
                out.put(raw.get(i + b));
            }
        }
        return out.flip();
    }

    private static void readFully(Path path, FileChannel channel, ByteBuffer buffer, long position)
            throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new CheckpointException(path, "truncated: end of file at byte " + at + " while "
                        + buffer.remaining() + " more bytes were expected");
            }
            at += n;
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        channel.close();
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + names().size() + " tensors]";
    }
}
