package dev.perennial.deepfake.curriculum;

import java.util.HashMap;
import java.util.Map;

/**
 * The dynamic assessment d_t(i) of every sample, keyed by data-set id (specs/deepfake.md §A.1.1, checklist A.3.2):
 * {@link #startEpoch()} multiplies every value by γ, {@link #observe} adds w·s for a visited sample, so
 * d_t = γ·d_{t−1} + w·s_t for visited samples and d_t = γ·d_{t−1} for the others.
 */
public final class HardnessTracker {
    private final HardnessForm form;
    private final double decay;
    private final Map<Long, Double> hardness = new HashMap<>();

    /**
     * Makes an empty tracker (every sample starts at 0).
     *
     * @param form the accumulation form
     * @param decay γ in [0, 1)
     * @throws IllegalArgumentException when γ is outside [0, 1)
     */
    public HardnessTracker(HardnessForm form, double decay) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("hardness decay must be in [0, 1); was " + decay);
        }
        this.form = form;
        this.decay = decay;
    }

    /** Decays every value by γ, at an epoch boundary. */
    public void startEpoch() {
        hardness.replaceAll((id, d) -> d * decay);
    }

    /**
     * Adds one visit's instantaneous hardness.
     *
     * @param id the sample's data-set id
     * @param instantaneous s_t(i), the (scaled) loss
     */
    public void observe(long id, double instantaneous) {
        hardness.merge(id, form.observationWeight(decay) * instantaneous, Double::sum);
    }

    /**
     * d_t(i).
     *
     * @param id the sample id
     * @return its hardness, 0 when never observed
     */
    public double hardness(long id) {
        return hardness.getOrDefault(id, 0.0);
    }

    /**
     * Whether the sample was ever observed.
     *
     * @param id the sample id
     * @return true once observed
     */
    public boolean seen(long id) {
        return hardness.containsKey(id);
    }

    /**
     * A copy of every value, for checkpoints.
     *
     * @return id to hardness
     */
    public Map<Long, Double> snapshot() {
        return new HashMap<>(hardness);
    }

    /**
     * Replaces every value, from a checkpoint.
     *
     * @param values id to hardness
     */
    public void restore(Map<Long, Double> values) {
        hardness.clear();
        hardness.putAll(values);
    }
}
