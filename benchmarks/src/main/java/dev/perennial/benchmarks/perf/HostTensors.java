package dev.perennial.benchmarks.perf;

import java.util.SplittableRandom;

/**
 * A fixed pool of random inputs in [0, 1) on the Java heap, shared by the bare-DJL side and the loop's data source
 * so both train on the same values; example {@code i} is pool entry {@code i mod size} with label {@code i mod 10}.
 */
final class HostTensors {
    private final float[][] samples;

    /**
     * Draws the pool.
     *
     * @param workload the shapes
     * @param size how many distinct samples
     * @param seed the seed
     */
    HostTensors(StepWorkload workload, int size, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("pool size must be >= 1, was " + size);
        }
        SplittableRandom random = new SplittableRandom(seed);
        samples = new float[size][];
        for (int i = 0; i < size; i++) {
            float[] v = new float[workload.sampleSize()];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) random.nextDouble();
            }
            samples[i] = v;
        }
    }

    /**
     * One sample's values (shared, not copied: callers must not write to it).
     *
     * @param index any example index
     * @return the values
     */
    float[] sample(int index) {
        return samples[index % samples.length];
    }

    /**
     * The label of an example.
     *
     * @param index the example index
     * @return {@code index mod 10}
     */
    static int label(int index) {
        return index % StepWorkload.CLASSES;
    }

    /**
     * The examples {@code from … from + count − 1} as one contiguous batch.
     *
     * @param from the first example
     * @param count the batch size
     * @param sampleSize values per sample
     * @return B × sampleSize values
     */
    float[] batch(int from, int count, int sampleSize) {
        float[] out = new float[count * sampleSize];
        for (int i = 0; i < count; i++) {
            System.arraycopy(sample(from + i), 0, out, i * sampleSize, sampleSize);
        }
        return out;
    }
}
