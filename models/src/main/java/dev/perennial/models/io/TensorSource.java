package dev.perennial.models.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * Named tensors that can be read one at a time, so a loader never holds more than one checkpoint tensor beyond
 * the model itself: a safetensors file, a sharded checkpoint, or tensors already in memory.
 */
public interface TensorSource extends AutoCloseable {

    /**
     * The tensor names in file order.
     *
     * @return the names
     */
    Set<String> names();

    /**
     * The shape of a tensor, known without reading its data.
     *
     * @param name a name from {@link #names()}
     * @return its shape
     * @throws IllegalArgumentException if there is no such tensor
     */
    Shape shape(String name);

    /**
     * Reads one tensor into a new array of the given manager (BF16 arrives widened to F32; see
     * {@link SafetensorsDType}). The caller owns the array.
     *
     * @param name a name from {@link #names()}
     * @param manager where the array is created
     * @return the array, named {@code name}
     * @throws IOException if the data cannot be read or converted
     * @throws IllegalArgumentException if there is no such tensor
     */
    NDArray read(String name, NDManager manager) throws IOException;

    /**
     * Tensors already in memory (e.g. another block's parameters); {@link #read} returns copies, and closing
     * the source leaves the arrays alone.
     *
     * @param tensors name to array, in the order to report them
     * @return the source
     */
    static TensorSource of(Map<String, NDArray> tensors) {
        return new InMemoryTensors(tensors);
    }

    /**
     * Releases files and mappings. Arrays already read stay valid.
     *
     * @throws IOException if closing a file fails
     */
    @Override
    void close() throws IOException;
}
