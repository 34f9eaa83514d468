package dev.perennial.spi;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state a plugin keeps across tasks, as the loop checkpoints it: named tensors (written to safetensors)
 * and named plain values (numbers, strings, booleans, lists and maps of them; written to JSON).
 *
 * @param schemaVersion the version of this plugin's state layout; a resume with another version is refused
 * @param tensors named tensors
 * @param values named plain values
 */
public record PluginState(int schemaVersion, Map<String, NDArray> tensors, Map<String, Object> values) {
    /** Copies the maps, keeping their order. */
    public PluginState {
        tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * A state with nothing in it.
     *
     * @param schemaVersion the schema version
     * @return an empty state
     */
    public static PluginState empty(int schemaVersion) {
        return new PluginState(schemaVersion, Map.of(), Map.of());
    }

    /**
     * The tensor of that name.
     *
     * @param name the name
     * @return the tensor
     * @throws IllegalStateException naming what is there when missing
     */
    public NDArray tensor(String name) {
        NDArray a = tensors.get(name);
        if (a == null) {
            throw new IllegalStateException("checkpointed state has no tensor '" + name + "'; it has "
                    + tensors.keySet());
        }
        return a;
    }

    /**
     * The value of that name as a number.
     *
     * @param name the name
     * @return the number
     * @throws IllegalStateException when missing or not a number
     */
    public Number number(String name) {
        Object v = values.get(name);
        if (!(v instanceof Number n)) {
            throw new IllegalStateException("checkpointed state value '" + name + "' is " + v + ", not a number");
        }
        return n;
    }
}
