package dev.perennial.slerpface;

import dev.perennial.spi.ConfigDoc;

/**
 * The configuration of the {@code slerpface} protector, e.g. in YAML:
 * <pre>{@code
 * protector: {name: slerpface, config: {alpha: 0.9, dropRate: 0.5, groupSize: 16}}
 * }</pre>
 * The defaults are the values of the official scripts ({@code encrypt_template.sh}, {@code match_template.sh};
 * spec §2), not the unused function-signature defaults (α = 0.8, r = 0.25, d = 4; spec §5.2).
 *
 * <p>A template handed to the protector is {@code groups × groupSize} group features, row-major (group i
 * occupies {@code [i·d, (i+1)·d)}), optionally followed by the {@code groups} group weights (the softmax
 * attention map, summing to 1). Without weights every group weighs {@code 1/groups}.
 *
 * @param alpha the base rotation amount α; group i rotates by {@code α_i = α − w_i} toward its key (§1.3)
 * @param dropRate the drop rate r of the group-wise dropout (§1.5)
 * @param groupSize dimensions per group d
 * @param groups number of groups m (7×7 = 49 spatial positions in the reference)
 * @param gapBase the gap base; {@code gap = ⌊gapBase·r⌋} more draws in low-weight, fewer in high-weight groups
 * @param dropoutMode with replacement (official code, default) or exactly k distinct dimensions (paper reading)
 * @param sinThetaEpsilon when {@code sin θ_i} is below this the group slerp returns {@code t̂_i} instead of
 *     dividing by ~0 (the reference has no guard in the group version; spec §5.5)
 * @param seed seeds the dropout draws together with the key, so protection is reproducible
 */
public record SlerpFaceConfig(
        @ConfigDoc("Base rotation amount alpha; group i rotates by alpha - w_i toward the key. Range: [0, 1]."
                + " Default 0.9 (official scripts).") double alpha,
        @ConfigDoc("Drop rate r of the group-wise dropout. Range: [0, 1]. Default 0.5.") double dropRate,
        @ConfigDoc("Dimensions per group d. Range: 1..4096. Default 16.") int groupSize,
        @ConfigDoc("Number of groups m. Range: 2..4096. Default 49 (7x7).") int groups,
        @ConfigDoc("Gap base; gap = floor(gapBase * dropRate) more draws in low-weight groups and fewer in"
                + " high-weight groups. Range: >= 0 with gap <= floor(groupSize * dropRate). Default 8.") int gapBase,
        @ConfigDoc("WITH_REPLACEMENT (official code, default; ~38% of dims zeroed) or EXACT_K (distinct"
                + " indices; the paper's literal drop rate, a documented deviation).") DropoutMode dropoutMode,
        @ConfigDoc("Guard: when sin(theta) of a group is below this the slerp returns the template group."
                + " Range: [0, 0.1]. Default 1e-7.") double sinThetaEpsilon,
        @ConfigDoc("Seed of the dropout draws (mixed with the key). Any long. Default 1337 (the reference's"
                + " numpy seed).") long seed) {

    /** Validates every field; messages name the field and the accepted range. */
    public SlerpFaceConfig {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("slerpface: alpha must be in [0, 1], was " + alpha);
        }
        if (!(dropRate >= 0 && dropRate <= 1)) {
            throw new IllegalArgumentException("slerpface: dropRate must be in [0, 1], was " + dropRate);
        }
        if (groupSize < 1 || groupSize > 4096) {
            throw new IllegalArgumentException("slerpface: groupSize must be in 1..4096, was " + groupSize);
        }
        if (groups < 2 || groups > 4096) {
            throw new IllegalArgumentException("slerpface: groups must be in 2..4096, was " + groups);
        }
        if (gapBase < 0) {
            throw new IllegalArgumentException("slerpface: gapBase must be >= 0, was " + gapBase);
        }
        if (dropoutMode == null) {
            throw new IllegalArgumentException("slerpface: dropoutMode must be WITH_REPLACEMENT or EXACT_K");
        }
        if (!(sinThetaEpsilon >= 0 && sinThetaEpsilon <= 0.1)) {
            throw new IllegalArgumentException("slerpface: sinThetaEpsilon must be in [0, 0.1], was "
                    + sinThetaEpsilon);
        }
        int base = (int) Math.floor(groupSize * dropRate);
        int gap = (int) Math.floor(gapBase * dropRate);
        if (gap > base) {
            throw new IllegalArgumentException("slerpface: gapBase " + gapBase + " gives gap = floor(gapBase * "
                    + "dropRate) = " + gap + " > floor(groupSize * dropRate) = " + base
                    + ", so high-weight groups would get a negative number of draws; lower gapBase");
        }
        if (dropoutMode == DropoutMode.EXACT_K && base + gap >= groupSize) {
            throw new IllegalArgumentException("slerpface: with dropoutMode EXACT_K, low-weight groups would"
                    + " lose " + (base + gap) + " of " + groupSize + " dimensions (all of them); lower dropRate"
                    + " or gapBase so that floor(groupSize * dropRate) + floor(gapBase * dropRate) < groupSize");
        }
    }

    /**
     * The official scripts' values: α = 0.9, r = 0.5, d = 16, m = 49, gap base 8, with replacement,
     * guard 1e-7, seed 1337.
     *
     * @return the defaults
     */
    public static SlerpFaceConfig defaults() {
        return new SlerpFaceConfig(0.9, 0.5, 16, 49, 8, DropoutMode.WITH_REPLACEMENT, 1e-7, 1337L);
    }

    /**
     * The number of feature values of a template, {@code groups × groupSize}.
     *
     * @return m·d
     */
    public int featureLength() {
        return groups * groupSize;
    }

    /**
     * {@code gap = ⌊gapBase · r⌋} (spec §1.5).
     *
     * @return the gap
     */
    public int gap() {
        return (int) Math.floor(gapBase * dropRate);
    }

    /**
     * Draws per low-weight group, {@code n_lo = ⌊d·r⌋ + gap} (12 with the defaults).
     *
     * @return n_lo
     */
    public int lowWeightDraws() {
        return (int) Math.floor(groupSize * dropRate) + gap();
    }

    /**
     * Draws per high-weight group, {@code n_hi = ⌊d·r⌋ − gap} (4 with the defaults).
     *
     * @return n_hi
     */
    public int highWeightDraws() {
        return (int) Math.floor(groupSize * dropRate) - gap();
    }

    /**
     * This configuration with another α.
     *
     * @param value the base rotation amount
     * @return a new configuration
     */
    public SlerpFaceConfig withAlpha(double value) {
        return new SlerpFaceConfig(value, dropRate, groupSize, groups, gapBase, dropoutMode, sinThetaEpsilon, seed);
    }

    /**
     * This configuration with another drop rate.
     *
     * @param value the drop rate
     * @return a new configuration
     */
    public SlerpFaceConfig withDropRate(double value) {
        return new SlerpFaceConfig(alpha, value, groupSize, groups, gapBase, dropoutMode, sinThetaEpsilon, seed);
    }

    /**
     * This configuration with another shape.
     *
     * @param groupCount m
     * @param dimensions d
     * @return a new configuration
     */
    public SlerpFaceConfig withShape(int groupCount, int dimensions) {
        return new SlerpFaceConfig(alpha, dropRate, dimensions, groupCount, gapBase, dropoutMode, sinThetaEpsilon,
                seed);
    }

    /**
     * This configuration with another dropout mode.
     *
     * @param mode the mode
     * @return a new configuration
     */
    public SlerpFaceConfig withDropoutMode(DropoutMode mode) {
        return new SlerpFaceConfig(alpha, dropRate, groupSize, groups, gapBase, mode, sinThetaEpsilon, seed);
    }

    /**
     * This configuration with another seed.
     *
     * @param value the seed
     * @return a new configuration
     */
    public SlerpFaceConfig withSeed(long value) {
        return new SlerpFaceConfig(alpha, dropRate, groupSize, groups, gapBase, dropoutMode, sinThetaEpsilon, value);
    }
}
