package dev.perennial.spi.replay;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.perennial.spi.PluginState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A bounded rehearsal memory of {@code capacity} examples with one of two insertion rules, and draws without
 * replacement for replay.
 *
 * <p><b>What it holds and why.</b> Decoded examples (host copies of the float inputs, the label and optionally the
 * logits recorded at insertion), not example ids: a learner cannot read earlier tasks' data through the SPI (the loop
 * hands it only the current task), the class-incremental protocol assumes old data is gone except for the memory,
 * and DER's targets are values of the moment of insertion. Host (Java heap) memory, not native arrays: it never
 * crowds the accelerator, it cannot be freed under the learner by a closing step manager (plugin-authors.md §3.6),
 * its checkpoint is bit-exact, and a draw of a few dozen items is copied to the device per step. Its size in
 * examples and bytes is {@link #size()} and {@link #bytes()}.
 *
 * <p><b>Insertion.</b> {@link Policy#RESERVOIR} (Vitter's algorithm R, as Mammoth's {@code ReservoirSampling}): with
 * {@code n} examples offered before this one, slot {@code n} while {@code n < M}, else {@code j ~ U{0..n}} and slot
 * {@code j} if {@code j < M}, else discarded; every offer counts, kept or not, so after {@code N} offers each is held
 * with probability {@code min(1, M/N)}. {@link Policy#CLASS_BALANCED} (GDumb's greedy sampler, Prabhu et al. ECCV
 * 2020, §3): while not full every example is kept; once full, an example of class {@code y} is kept only when
 * {@code y} holds fewer than {@code M / (classes seen)} items, and then replaces a random item of the currently
 * largest class (the lowest class id among equals).
 *
 * <p><b>Randomness.</b> The random numbers of offer {@code n} and of draw {@code d} of step seed {@code s} are
 * functions of ({@code seed}, {@code n}) and ({@code s}, {@code d}) only, so the checkpoint needs no generator
 * state: the contents, {@code n} and the classes seen restore a buffer that continues exactly.
 */
public final class ReplayBuffer {

    /** How examples enter a full buffer. */
    public enum Policy {
        /** Reservoir sampling: a uniform sample of every example offered. */
        RESERVOIR,
        /** GDumb's greedy class-balanced sampler. */
        CLASS_BALANCED;

        /**
         * Parses a configuration value: {@code reservoir} or {@code class-balanced}.
         *
         * @param field the configuration field, for the message
         * @param value the value
         * @return the policy
         * @throws IllegalArgumentException naming the field and the accepted values
         */
        public static Policy parse(String field, String value) {
            for (Policy p : values()) {
                if (p.configName().equals(value)) {
                    return p;
                }
            }
            throw new IllegalArgumentException(field + " must be 'reservoir' or 'class-balanced', was '" + value + "'");
        }

        /**
         * The configuration name.
         *
         * @return {@code reservoir} or {@code class-balanced}
         */
        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final int capacity;
    private final Policy policy;
    private final long seed;
    private final List<ReplayItem> slots = new ArrayList<>();
    private final TreeSet<Long> classesSeen = new TreeSet<>();
    private long seen;

    /**
     * Creates an empty buffer.
     *
     * @param capacity the most examples it holds, M >= 1
     * @param policy the insertion rule
     * @param seed the seed of the insertion decisions
     * @throws IllegalArgumentException when {@code capacity < 1}
     */
    public ReplayBuffer(int capacity, Policy policy, long seed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("replay buffer capacity must be >= 1, was " + capacity);
        }
        this.capacity = capacity;
        this.policy = policy;
        this.seed = seed;
    }

    /**
     * Offers one stream example.
     *
     * @param item the example
     * @return the slot it was stored in, or -1 when it was discarded
     */
    public int offer(ReplayItem item) {
        long n = seen++;
        classesSeen.add(item.label());
        return switch (policy) {
            case RESERVOIR -> offerReservoir(item, n);
            case CLASS_BALANCED -> offerBalanced(item, n);
        };
    }

    /**
     * Offers examples in order.
     *
     * @param items the examples
     * @return how many were stored
     */
    public int offerAll(List<ReplayItem> items) {
        int kept = 0;
        for (ReplayItem item : items) {
            kept += offer(item) >= 0 ? 1 : 0;
        }
        return kept;
    }

    private int offerReservoir(ReplayItem item, long n) {
        if (n < capacity) {
            slots.add(item);
            return slots.size() - 1;
        }
        long j = random(seed, n).nextLong(n + 1);
        if (j < capacity) {
            slots.set((int) j, item);
            return (int) j;
        }
        return -1;
    }

    private int offerBalanced(ReplayItem item, long n) {
        if (slots.size() < capacity) {
            slots.add(item);
            return slots.size() - 1;
        }
        Map<Long, List<Integer>> byClass = slotsByClass();
        int share = capacity / classesSeen.size();
        if (byClass.getOrDefault(item.label(), List.of()).size() >= share) {
            return -1;
        }
        long largest = -1;
        int most = -1;
        for (Map.Entry<Long, List<Integer>> e : byClass.entrySet()) {
            if (e.getValue().size() > most) {
                most = e.getValue().size();
                largest = e.getKey();
            }
        }
        List<Integer> candidates = byClass.get(largest);
        int slot = candidates.get(random(seed, n).nextInt(candidates.size()));
        slots.set(slot, item);
        return slot;
    }

    private Map<Long, List<Integer>> slotsByClass() {
        Map<Long, List<Integer>> byClass = new TreeMap<>();
        for (int i = 0; i < slots.size(); i++) {
            byClass.computeIfAbsent(slots.get(i).label(), k -> new ArrayList<>()).add(i);
        }
        return byClass;
    }

    /**
     * Draws {@code min(k, size())} distinct slots uniformly (a partial Fisher–Yates shuffle), as Mammoth's
     * {@code Buffer.get_data} ({@code np.random.choice(..., replace=False)}).
     *
     * @param k the number wanted
     * @param stepSeed the step's seed
     * @param draw which draw of the step (DER++ draws twice: 0 and 1)
     * @return the slots, in draw order
     */
    public int[] sample(int k, long stepSeed, int draw) {
        int n = slots.size();
        int m = Math.min(k, n);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom r = random(stepSeed, draw);
        for (int i = 0; i < m; i++) {
            int j = i + r.nextInt(n - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return Arrays.copyOf(perm, m);
    }

    /**
     * The items at some slots.
     *
     * @param which the slots
     * @return the items, in that order
     */
    public List<ReplayItem> items(int[] which) {
        List<ReplayItem> out = new ArrayList<>(which.length);
        for (int i : which) {
            out.add(slots.get(i));
        }
        return out;
    }

    /**
     * Every stored item, in slot order.
     *
     * @return the items
     */
    public List<ReplayItem> items() {
        return List.copyOf(slots);
    }

    /**
     * The item in a slot.
     *
     * @param slot the slot, {@code 0 <= slot < size()}
     * @return the item
     */
    public ReplayItem get(int slot) {
        return slots.get(slot);
    }

    /**
     * The number of items stored.
     *
     * @return the size, at most {@link #capacity()}
     */
    public int size() {
        return slots.size();
    }

    /**
     * Whether nothing is stored.
     *
     * @return true when empty
     */
    public boolean isEmpty() {
        return slots.isEmpty();
    }

    /**
     * The capacity M.
     *
     * @return the capacity
     */
    public int capacity() {
        return capacity;
    }

    /**
     * The insertion rule.
     *
     * @return the policy
     */
    public Policy policy() {
        return policy;
    }

    /**
     * The number of examples offered so far, kept or not (the reservoir's {@code n}).
     *
     * @return offers
     */
    public long seen() {
        return seen;
    }

    /**
     * The heap bytes of the stored values.
     *
     * @return bytes
     */
    public long bytes() {
        long b = 0;
        for (ReplayItem item : slots) {
            b += item.bytes();
        }
        return b;
    }

    /**
     * How many items each class holds.
     *
     * @return class id → count, by class id
     */
    public Map<Long, Integer> classCounts() {
        Map<Long, Integer> counts = new TreeMap<>();
        for (ReplayItem item : slots) {
            counts.merge(item.label(), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * Drops every item and forgets every offer.
     */
    public void clear() {
        slots.clear();
        classesSeen.clear();
        seen = 0;
    }

    /**
     * Writes the buffer as checkpoint state (contents, {@code n}, classes seen, capacity and policy) and, for the
     * run report, its size in examples and bytes.
     *
     * @param prefix the names' prefix, e.g. {@code buffer/}
     * @param values receives the plain values
     * @param tensors receives the tensors
     * @param manager the manager of the tensors
     */
    public void write(String prefix, Map<String, Object> values, Map<String, NDArray> tensors, NDManager manager) {
        values.put(prefix + "capacity", capacity);
        values.put(prefix + "policy", policy.configName());
        values.put(prefix + "seen", seen);
        values.put(prefix + "classesSeen", new ArrayList<>(classesSeen));
        values.put(prefix + "examples", slots.size());
        values.put(prefix + "bytes", bytes());
        ReplayItems.write(prefix, slots, values, tensors, manager);
    }

    /**
     * Replaces the contents with a state written by {@link #write}.
     *
     * @param prefix the prefix used when writing
     * @param state the checkpointed state
     * @throws IllegalStateException when the checkpoint's capacity or policy differ from this buffer's
     */
    public void read(String prefix, PluginState state) {
        int c = state.number(prefix + "capacity").intValue();
        Object p = state.values().get(prefix + "policy");
        if (c != capacity || !policy.configName().equals(p)) {
            throw new IllegalStateException("checkpointed replay buffer has capacity " + c + " and policy " + p
                    + " but this run configures " + capacity + " and " + policy.configName()
                    + "; resume with the configuration the run started with");
        }
        List<ReplayItem> items = ReplayItems.read(prefix, state);
        if (items.size() > capacity) {
            throw new IllegalStateException("checkpointed replay buffer holds " + items.size() + " items, more than its"
                    + " capacity " + capacity);
        }
        slots.clear();
        slots.addAll(items);
        seen = state.number(prefix + "seen").longValue();
        classesSeen.clear();
        if (state.values().get(prefix + "classesSeen") instanceof List<?> list) {
            for (Object o : list) {
                classesSeen.add(((Number) o).longValue());
            }
        }
    }

    /** A generator that is a function of (a, b) only: SplitMix64's finaliser over a + b·φ. */
    private static SplittableRandom random(long a, long b) {
        long z = a + b * GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new SplittableRandom(z ^ (z >>> 31));
    }
}
