package dev.perennial.slerpface;

/**
 * How the recognition-favoured group-wise dropout draws the dimensions it zeroes (spec §1.5, §5.1).
 */
public enum DropoutMode {
    /**
     * The official code (default): per low-weight group {@code n_lo = ⌊d·r⌋ + gap} and per high-weight group
     * {@code n_hi = ⌊d·r⌋ − gap} indices drawn uniformly WITH replacement, so fewer unique dimensions are
     * zeroed than drawn (≈ 0.380 of all dimensions with the defaults, not 0.5).
     */
    WITH_REPLACEMENT,
    /**
     * A documented deviation that reads the paper's "drop rate" literally: exactly {@code n_lo} (resp.
     * {@code n_hi}) distinct dimensions per group, drawn without replacement (0.5 of the dimensions with the
     * defaults when the two halves are equal in size).
     */
    EXACT_K
}
