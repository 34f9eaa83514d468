package dev.perennial.api.loop;

import java.nio.charset.StandardCharsets;

/**
 * Derives independent seeds from the run seed, so that every random draw of a run is a function of
 * (run seed, purpose, position) alone and a resumed run draws exactly what an uninterrupted one would.
 */
public final class Seeds {
    private Seeds() {}

    /**
     * A seed for a purpose and a position.
     *
     * @param runSeed the run seed
     * @param purpose what the seed is for, e.g. {@code epoch-order}
     * @param coordinates the position, e.g. task and epoch
     * @return a well-mixed 64-bit seed
     */
    public static long derive(long runSeed, String purpose, long... coordinates) {
        long h = mix(runSeed ^ 0x9E3779B97F4A7C15L);
        for (byte b : purpose.getBytes(StandardCharsets.UTF_8)) {
            h = mix(h ^ b);
        }
        for (long c : coordinates) {
            h = mix(h ^ c);
        }
        return h;
    }

    /** SplitMix64's finaliser (Steele, Lea and Flood, 2014). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
