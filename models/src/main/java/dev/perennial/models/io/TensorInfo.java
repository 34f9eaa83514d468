package dev.perennial.models.io;

import ai.djl.ndarray.types.Shape;
import java.util.Objects;

/**
 * One tensor entry of a validated safetensors header.
 *
 * @param name the tensor name
 * @param dtype the element type in the file
 * @param shape the shape (a scalar has shape {@code ()})
 * @param begin first byte, relative to the start of the data section
 * @param end one past the last byte, relative to the start of the data section
 */
public record TensorInfo(String name, SafetensorsDType dtype, Shape shape, long begin, long end) {

    /** Checks the invariants the header validation established. */
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("tensor '" + name + "': bad offsets [" + begin + ", " + end + "]");
        }
    }

    /**
     * The number of bytes in the file.
     *
     * @return {@code end - begin}
     */
    public long byteLength() {
        return end - begin;
    }
}
