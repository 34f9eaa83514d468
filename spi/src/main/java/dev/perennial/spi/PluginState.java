package dev.perennial.spi;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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

    /**
     * Refuses a state of another layout (SPI 1.6): a checkpoint written by another version of the plugin.
     *
     * @param plugin the plugin's name, for the message
     * @param readable the schema versions this version of the plugin reads (the current one first)
     * @throws IllegalStateException naming the plugin, this state's version and the readable ones
     */
    public void requireSchema(String plugin, int... readable) {
        for (int v : readable) {
            if (v == schemaVersion) {
                return;
            }
        }
        String accepted = Arrays.stream(readable).mapToObj(String::valueOf).collect(Collectors.joining(" or "));
        throw new IllegalStateException(plugin + ": the checkpointed state has schema version " + schemaVersion
                + "; this version of " + plugin + " reads " + accepted + " (a checkpoint of another version)");
    }

    /**
     * The classes a mask marks, as the list of their ids that a state keeps in its values (SPI 1.6; read back with
     * {@link #classMask(String, int)}).
     *
     * @param mask one flag per class
     * @return the ids whose flag is set, ascending
     */
    public static List<Integer> classes(boolean[] mask) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                out.add(i);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The value of that name, a list of class ids as {@link #classes(boolean[])} writes it, as a mask (SPI 1.6).
     * A missing value is an empty mask.
     *
     * @param name the name
     * @param classCount the number of classes (the mask's length)
     * @return one flag per class, set for the listed ids
     * @throws IllegalStateException when the value is not a list of whole numbers in {@code 0..classCount-1}
     */
    public boolean[] classMask(String name, int classCount) {
        boolean[] mask = new boolean[classCount];
        Object v = values.get(name);
        if (v == null) {
            return mask;
        }
        if (!(v instanceof List<?> list)) {
            throw new IllegalStateException("checkpointed state value '" + name + "' is " + v
                    + ", not a list of class ids");
        }
        for (Object o : list) {
            if (!(o instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                    || n.doubleValue() < 0 || n.doubleValue() >= classCount) {
                throw new IllegalStateException("checkpointed state value '" + name + "' has class " + o
                        + "; accepted: whole numbers 0.." + (classCount - 1));
            }
            mask[n.intValue()] = true;
        }
        return mask;
    }
}
