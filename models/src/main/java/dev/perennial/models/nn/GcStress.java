package dev.perennial.models.nn;

import java.lang.ref.Cleaner;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The GC-stress hook: with {@code -Dperennial.gcStress=true} every {@link #point} forces a full collection and
 * waits until the collector's reference processing has run, so that every Java direct buffer that became
 * unreachable is freed right there. The training loop calls it between the forward and the backward pass (where
 * autograd reads the tensors it saved), at the end of every step, and after a checkpoint restore; an array whose
 * memory the collector can free while a tensor still points into it then reads freed memory at once instead of
 * at a random step. Run with glibc's {@code MALLOC_PERTURB_} set, freed memory is also overwritten on free, so
 * such a read changes the numbers deterministically (the {@code gc-stress} Maven executions do both).
 *
 * <p>Off by default; it costs one full collection per point.
 */
public final class GcStress {
    /** The system property that turns the hook on. */
    public static final String PROPERTY = "perennial.gcStress";

    private static volatile boolean enabled = Boolean.getBoolean(PROPERTY);
    private static long points;

    private GcStress() {}

    /**
     * Whether the hook is on for this JVM.
     *
     * @return true with {@code -Dperennial.gcStress=true}
     */
    public static boolean enabled() {
        return enabled;
    }

    /**
     * Turns the hook on or off for this JVM (tests compare a run with it against one without).
     *
     * @param on whether {@link #point} collects
     * @return whether it was on before
     */
    public static boolean enable(boolean on) {
        boolean before = enabled;
        enabled = on;
        return before;
    }

    /**
     * How many collections the hook has forced in this JVM.
     *
     * @return the count
     */
    public static synchronized long points() {
        return points;
    }

    /** Forces a collection and waits (up to a second) for reference processing when the hook is on. */
    public static void point() {
        if (!enabled) {
            return;
        }
        collect();
    }

    /** Forces a collection and waits for reference processing, whether or not the hook is on (tests use it). */
    public static void collect() {
        CountDownLatch cleaned = new CountDownLatch(1);
        registerSentinel(Holder.CLEANER, cleaned);
        for (int i = 0; i < 10 && cleaned.getCount() > 0; i++) {
            System.gc();
            try {
                cleaned.await(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        synchronized (GcStress.class) {
            points++;
        }
    }

    private static void registerSentinel(Cleaner cleaner, CountDownLatch cleaned) {
        // The sentinel is unreachable once this method returns; its cleaning action runs after the collection
        // that found it, by which time the same pass's direct buffers have been freed by the reference handler.
        cleaner.register(new Object(), cleaned::countDown);
    }

    private static final class Holder {
        static final Cleaner CLEANER = Cleaner.create();
    }
}
