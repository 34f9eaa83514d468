package dev.perennial.continual.replay;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.replay.ReplayItem;
import dev.perennial.spi.replay.ReplayItems;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * iCaRL's exemplar sets: per class an ordered list (herding order), reduced by keeping prefixes, under one of two
 * memory conventions (specs/replay.md §1): fixed total memory M shared by the K_t classes seen,
 * {@code m = ⌊M / K_t⌋} per class (PyCIL {@code fixed_memory=false}), or a fixed number per class.
 */
final class ExemplarMemory {
    private final TreeMap<Integer, List<ReplayItem>> byClass = new TreeMap<>();
    private final boolean fixedTotal;
    private final int size;

    /**
     * Creates an empty memory.
     *
     * @param fixedTotal true for fixed total memory, false for a fixed number per class
     * @param size M (fixed total) or the number per class
     */
    ExemplarMemory(boolean fixedTotal, int size) {
        this.fixedTotal = fixedTotal;
        this.size = size;
    }

    /**
     * Exemplars per class once {@code classes} classes have been seen.
     *
     * @param classes K_t
     * @return m
     */
    int perClass(int classes) {
        return fixedTotal ? size / Math.max(1, classes) : size;
    }

    /**
     * Keeps the first {@code m} exemplars of every class.
     *
     * @param m the new per-class count
     */
    void reduceTo(int m) {
        byClass.replaceAll((c, list) -> list.size() <= m ? list : new ArrayList<>(list.subList(0, m)));
    }

    /**
     * Sets a class's exemplars.
     *
     * @param cls the class
     * @param ordered its exemplars in herding order
     */
    void put(int cls, List<ReplayItem> ordered) {
        byClass.put(cls, new ArrayList<>(ordered));
    }

    /**
     * A class's exemplars, in herding order.
     *
     * @param cls the class
     * @return the exemplars (empty when none)
     */
    List<ReplayItem> of(int cls) {
        return List.copyOf(byClass.getOrDefault(cls, List.of()));
    }

    /**
     * The classes with exemplars.
     *
     * @return class ids, ascending
     */
    List<Integer> classes() {
        return new ArrayList<>(byClass.keySet());
    }

    /**
     * Every exemplar, by class then herding order.
     *
     * @return the exemplars
     */
    List<ReplayItem> all() {
        List<ReplayItem> out = new ArrayList<>();
        byClass.values().forEach(out::addAll);
        return out;
    }

    /**
     * The number of exemplars.
     *
     * @return the total
     */
    int total() {
        int n = 0;
        for (List<ReplayItem> l : byClass.values()) {
            n += l.size();
        }
        return n;
    }

    /**
     * Heap bytes of the exemplars.
     *
     * @return bytes
     */
    long bytes() {
        long b = 0;
        for (ReplayItem item : all()) {
            b += item.bytes();
        }
        return b;
    }

    /**
     * Writes the sets (herding order preserved) and their size for the report.
     *
     * @param prefix names' prefix
     * @param values plain values
     * @param tensors tensors
     * @param manager manager of new tensors
     */
    void write(String prefix, Map<String, Object> values, Map<String, NDArray> tensors, NDManager manager) {
        List<Integer> classes = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        byClass.forEach((c, l) -> {
            classes.add(c);
            counts.add(l.size());
        });
        values.put(prefix + "classes", classes);
        values.put(prefix + "counts", counts);
        values.put(prefix + "examples", total());
        values.put(prefix + "bytes", bytes());
        ReplayItems.write(prefix, all(), values, tensors, manager);
    }

    /**
     * Restores sets written by {@link #write}.
     *
     * @param prefix names' prefix
     * @param state the state
     */
    void read(String prefix, PluginState state) {
        List<ReplayItem> items = ReplayItems.read(prefix, state);
        List<?> classes = (List<?>) state.values().get(prefix + "classes");
        List<?> counts = (List<?>) state.values().get(prefix + "counts");
        byClass.clear();
        int at = 0;
        for (int i = 0; i < classes.size(); i++) {
            int n = ((Number) counts.get(i)).intValue();
            byClass.put(((Number) classes.get(i)).intValue(), new ArrayList<>(items.subList(at, at + n)));
            at += n;
        }
        if (at != items.size()) {
            throw new IllegalStateException("checkpointed exemplars: counts add up to " + at + " but " + items.size()
                    + " items are stored");
        }
    }
}
