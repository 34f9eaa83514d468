package dev.perennial.augmentation;

import dev.perennial.spi.StepContext;
import java.util.SplittableRandom;

/**
 * The random generator of one augmenter at one step. It is seeded from the plugin's seed (which differs
 * between plugins, so two augmenters in a chain never draw the same numbers) and the step's seed (which a
 * resumed run reproduces), so the same run repeats itself bit for bit.
 */
public final class StepRandom {

    private StepRandom() {}

    /**
     * A generator for this plugin at this step.
     *
     * @param pluginSeed the plugin's seed ({@code PluginContext.seed()})
     * @param step the step
     * @return a fresh generator
     */
    public static SplittableRandom forStep(long pluginSeed, StepContext step) {
        return new SplittableRandom(mix(pluginSeed, step.seed()));
    }

    /**
     * Combines two seeds into one with the SplitMix64 finaliser, so nearby seeds give unrelated streams.
     *
     * @param a a seed
     * @param b another seed
     * @return the combined seed
     */
    public static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
