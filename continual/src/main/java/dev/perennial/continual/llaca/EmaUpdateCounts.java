package dev.perennial.continual.llaca;

/**
 * How many per-tensor EMA updates took the adaptive (dynamic) branch and how many fell back to the fixed
 * weight (spec llaca.md §5.8, §7.4: a silent degeneration to a fixed EMA must be visible).
 *
 * @param adaptive updates that used the computed coefficient
 * @param fallback updates that used the fixed fallback weight (out-of-range, NaN, infinite or uncomputable)
 */
public record EmaUpdateCounts(long adaptive, long fallback) {
    /**
     * The fraction of updates that took the adaptive branch.
     *
     * @return adaptive / (adaptive + fallback), or 0 when nothing was updated
     */
    public double adaptiveFraction() {
        long total = adaptive + fallback;
        return total == 0 ? 0 : (double) adaptive / total;
    }
}
