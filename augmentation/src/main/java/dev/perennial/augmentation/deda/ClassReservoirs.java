package dev.perennial.augmentation.deda;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One bounded pool per class (the CDP bank or the CIP bank), each a uniform reservoir sample (Vitter's
 * Algorithm R) of every item offered for that class: after n offers each of them is in the pool with
 * probability capacity / n, so a long run keeps a fair sample of the whole stream in bounded memory.
 */
public final class ClassReservoirs {

    private final int capacity;
    private final int itemLength;
    private final TreeMap<Long, List<float[]>> items = new TreeMap<>();
    private final TreeMap<Long, Long> seen = new TreeMap<>();

    /**
     * Makes empty pools.
     *
     * @param capacity the most items kept per class, &gt; 0
     * @param itemLength the number of values of one item
     */
    public ClassReservoirs(int capacity, int itemLength) {
        if (capacity <= 0 || itemLength <= 0) {
            throw new IllegalArgumentException("pool capacity and item length must be > 0; were " + capacity
                    + ", " + itemLength);
        }
        this.capacity = capacity;
        this.itemLength = itemLength;
    }

    /**
     * Offers an item to its class's pool (kept by reference; do not modify it afterwards).
     *
     * @param cls the class id
     * @param item the values
     * @param random the generator that decides replacement once the pool is full
     */
    public void offer(long cls, float[] item, SplittableRandom random) {
        if (item.length != itemLength) {
            throw new IllegalArgumentException("pool item holds " + item.length + " values; expected " + itemLength);
        }
        List<float[]> pool = items.computeIfAbsent(cls, k -> new ArrayList<>());
        long n = seen.merge(cls, 1L, Long::sum);
        if (pool.size() < capacity) {
            pool.add(item);
        } else {
            long j = random.nextLong(n);
            if (j < capacity) {
                pool.set((int) j, item);
            }
        }
    }

    /**
     * A uniformly drawn item of a class.
     *
     * @param cls the class id
     * @param random the generator
     * @return the item (shared; do not modify), or empty when the class has none
     */
    public Optional<float[]> sample(long cls, SplittableRandom random) {
        List<float[]> pool = items.get(cls);
        if (pool == null || pool.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(pool.get(random.nextInt(pool.size())));
    }

    /**
     * The classes that have at least one item, in increasing order.
     *
     * @return the class ids
     */
    public List<Long> classes() {
        List<Long> out = new ArrayList<>();
        for (Map.Entry<Long, List<float[]>> e : items.entrySet()) {
            if (!e.getValue().isEmpty()) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /**
     * The items of a class.
     *
     * @param cls the class id
     * @return an unmodifiable view, empty when none
     */
    public List<float[]> items(long cls) {
        return List.copyOf(items.getOrDefault(cls, List.of()));
    }

    /**
     * How many items were ever offered for a class.
     *
     * @param cls the class id
     * @return the count
     */
    public long seen(long cls) {
        return seen.getOrDefault(cls, 0L);
    }

    /**
     * Replaces a class's pool, e.g. from a checkpoint.
     *
     * @param cls the class id
     * @param pool the items (at most the capacity)
     * @param seenCount how many items had been offered
     */
    public void restore(long cls, List<float[]> pool, long seenCount) {
        if (pool.size() > capacity) {
            throw new IllegalArgumentException("checkpointed pool of class " + cls + " holds " + pool.size()
                    + " items but the configured capacity (poolSizePerClass) is " + capacity);
        }
        for (float[] item : pool) {
            if (item.length != itemLength) {
                throw new IllegalArgumentException("checkpointed pool item of class " + cls + " holds "
                        + item.length + " values; expected " + itemLength);
            }
        }
        items.put(cls, new ArrayList<>(pool));
        seen.put(cls, Math.max(seenCount, pool.size()));
    }

    /**
     * The number of values of one item.
     *
     * @return the item length
     */
    public int itemLength() {
        return itemLength;
    }

    /**
     * The most items kept per class.
     *
     * @return the capacity
     */
    public int capacity() {
        return capacity;
    }

    /** Empties every pool. */
    public void clear() {
        items.clear();
        seen.clear();
    }
}
