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

    /**
     * The seed a plugin's {@code PluginContext.seed()} returns: what the plugin draws its model initialisation,
     * data order and other random numbers from.
     *
     * <p>{@code per-plugin} (the default of a single run, and the only behaviour before the {@code seeds} option)
     * mixes in the slot and the plugin's name, so {@code lora-seq} and {@code llaca} with the same run seed draw
     * different initial models. {@code paired} (what {@code perennial sweep} sets) mixes in the run seed and the
     * slot alone ({@code learner}, {@code dataset}, {@code scenario}, {@code sampler}, {@code augmenter-0},
     * {@code distiller-0}, {@code metric-0}, ...), so two learners with the same run seed get the same seed and,
     * where their models coincide, the same initial parameters; the loop's data order is drawn from the run seed
     * alone in both modes, so they also see the same batches.
     *
     * @param runSeed the run seed
     * @param slot the plugin's slot in the experiment, e.g. {@code learner} or {@code augmenter-0}
     * @param pluginName the plugin's name (ignored when {@code paired})
     * @param paired true for {@code seeds: paired}
     * @return the plugin's seed
     */
    public static long plugin(long runSeed, String slot, String pluginName, boolean paired) {
        if (paired) {
            return derive(runSeed, "plugin-slot:" + slot);
        }
        return derive(runSeed, "plugin", slot.hashCode(), pluginName.hashCode());
    }

    /** SplitMix64's finaliser (Steele, Lea and Flood, 2014). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
