package dev.perennial.api.data;

import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of the {@code domain-incremental} scenario.
 *
 * @param tasks the number of tasks (domains)
 * @param transform {@code permute} (a fixed pixel permutation per task) or {@code rotate} (a rotation per task)
 * @param angleStep degrees between the rotations of consecutive tasks ({@code rotate})
 * @param seed the seed of the permutations
 */
public record DomainIncrementalConfig(
        @ConfigDoc("Number of tasks (domains), >= 1. Default 5.") int tasks,
        @ConfigDoc("'permute': task t shuffles the pixel positions (the same permutation for every channel and"
                + " example of the task; permuted MNIST); 'rotate': task t rotates every image by t × angleStep degrees"
                + " about its centre, bilinear, zero fill (rotated MNIST). Default permute.") String transform,
        @ConfigDoc("Degrees between the rotations of consecutive tasks, in (0, 360) (rotate only). Default 30.")
        double angleStep,
        @ConfigDoc("Seed of the per-task permutations (permute only); task t uses java.util.Random(seed + t). "
                + "Default 0.") long seed) {

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the field and the accepted values
     */
    public DomainIncrementalConfig {
        if (tasks < 1) {
            throw new IllegalArgumentException("domain-incremental: 'tasks' must be >= 1, was " + tasks);
        }
        if (!"permute".equals(transform) && !"rotate".equals(transform)) {
            throw new IllegalArgumentException("domain-incremental: 'transform' must be 'permute' or 'rotate', was '"
                    + transform + "'");
        }
        if (!(angleStep > 0 && angleStep < 360)) {
            throw new IllegalArgumentException("domain-incremental: 'angleStep' must be in (0, 360) degrees, was "
                    + angleStep);
        }
    }

    /**
     * Five permuted domains.
     *
     * @return the defaults
     */
    public static DomainIncrementalConfig defaults() {
        return new DomainIncrementalConfig(5, "permute", 30, 0);
    }
}
