package dev.perennial.models.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.nn.Owned;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Tensors already in memory, read as copies (see {@link TensorSource#of}). */
final class InMemoryTensors implements TensorSource {
    private final Map<String, NDArray> tensors;

    InMemoryTensors(Map<String, NDArray> tensors) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public Shape shape(String name) {
        return get(name).getShape();
    }

    @Override
    public NDArray read(String name, NDManager manager) {
        NDArray copy = Owned.keep(get(name), manager);
        copy.setName(name);
        return copy;
    }

    private NDArray get(String name) {
        NDArray a = tensors.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no tensor named '" + name + "' among " + tensors.size()
                    + " in-memory tensors");
        }
        return a;
    }

    @Override
    public void close() {
        // The arrays belong to the caller.
    }
}
