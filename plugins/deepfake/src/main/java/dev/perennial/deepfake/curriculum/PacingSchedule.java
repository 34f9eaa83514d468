package dev.perennial.deepfake.curriculum;

import java.util.Arrays;

/**
 * The learning pace of the curriculum (specs/deepfake.md §A.1.3, DIHCL defaults of §A.2): episodes begin at the
 * epochs of {@code boundaries}; episode 0 is the warm-up on the full set; for the sampled episodes e = 0, 1, …
 * (episode index − 1):
 * <pre>
 * τ_e = max(τ_min, τ_0 · r^e)                     temperature (DIHCL: τ_0 = 20, r = 0.8, τ_min = 1)
 * k_e = max(k_0 · (1 − dk)^e, mk)                 subset fraction (DIHCL: k_0 = 1, dk = 0.1, mk = 0.3)
 * </pre>
 * Epochs past the last boundary stay in the last episode.
 *
 * @param boundaries first epoch of each episode, strictly increasing, starting at 0
 * @param initialTemperature τ_0 &gt; 0
 * @param temperatureDecay r in (0, 1]
 * @param minTemperature τ_min ≥ 0
 * @param initialFraction k_0 in (0, 1]
 * @param fractionDecay dk in [0, 1)
 * @param minFraction mk in (0, 1]
 */
public record PacingSchedule(int[] boundaries, double initialTemperature, double temperatureDecay,
                             double minTemperature, double initialFraction, double fractionDecay,
                             double minFraction) {

    /** Validates; messages name the config fields of {@link QualityCurriculumConfig}. */
    public PacingSchedule {
        boundaries = boundaries.clone();
        if (boundaries.length == 0 || boundaries[0] != 0) {
            throw new IllegalArgumentException("config field 'episodeBoundaries' must start at epoch 0; was "
                    + Arrays.toString(boundaries));
        }
        for (int i = 1; i < boundaries.length; i++) {
            if (boundaries[i] <= boundaries[i - 1]) {
                throw new IllegalArgumentException("config field 'episodeBoundaries' must be strictly increasing; was "
                        + Arrays.toString(boundaries));
            }
        }
        require(initialTemperature > 0 && Double.isFinite(initialTemperature), "initialTemperature",
                "a finite number > 0", initialTemperature);
        require(temperatureDecay > 0 && temperatureDecay <= 1, "temperatureDecay", "in (0, 1]", temperatureDecay);
        require(minTemperature >= 0 && Double.isFinite(minTemperature), "minTemperature", "a finite number >= 0",
                minTemperature);
        require(initialFraction > 0 && initialFraction <= 1, "initialFraction", "in (0, 1]", initialFraction);
        require(fractionDecay >= 0 && fractionDecay < 1, "fractionDecay", "in [0, 1)", fractionDecay);
        require(minFraction > 0 && minFraction <= 1, "minFraction", "in (0, 1]", minFraction);
    }

    private static void require(boolean ok, String field, String range, double value) {
        if (!ok) {
            throw new IllegalArgumentException("config field '" + field + "' must be " + range + "; was " + value);
        }
    }

    @Override
    public int[] boundaries() {
        return boundaries.clone();
    }

    /**
     * The episode an epoch belongs to.
     *
     * @param epoch from 0
     * @return the episode index, 0 = warm-up
     */
    public int episode(int epoch) {
        int e = 0;
        while (e + 1 < boundaries.length && boundaries[e + 1] <= epoch) {
            e++;
        }
        return e;
    }

    /**
     * Whether the epoch is a warm-up epoch (episode 0: every sample, uniformly shuffled).
     *
     * @param epoch from 0
     * @return true in the warm-up
     */
    public boolean warmUp(int epoch) {
        return boundaries.length > 1 && episode(epoch) == 0;
    }

    /**
     * Whether the epoch is the first of its episode (a new subset is drawn there).
     *
     * @param epoch from 0
     * @return true at an episode boundary
     */
    public boolean startsEpisode(int epoch) {
        return Arrays.binarySearch(boundaries, epoch) >= 0 || epoch == 0;
    }

    /**
     * The sampled-episode index e of an epoch (0 for the first episode after the warm-up).
     *
     * @param epoch from 0
     * @return e ≥ 0
     */
    public int sampledEpisode(int epoch) {
        return Math.max(0, episode(epoch) - (boundaries.length > 1 ? 1 : 0));
    }

    /**
     * τ_e.
     *
     * @param epoch from 0
     * @return the temperature
     */
    public double temperature(int epoch) {
        return Math.max(minTemperature, initialTemperature * Math.pow(temperatureDecay, sampledEpisode(epoch)));
    }

    /**
     * k_e.
     *
     * @param epoch from 0
     * @return the subset fraction in (0, 1]
     */
    public double fraction(int epoch) {
        return Math.max(initialFraction * Math.pow(1 - fractionDecay, sampledEpisode(epoch)), minFraction);
    }

    /**
     * ⌊k_e · n⌋, at least 1.
     *
     * @param epoch from 0
     * @param n the number of candidates
     * @return the subset size
     */
    public int subsetSize(int epoch, int n) {
        return Math.max(1, Math.min(n, (int) Math.floor(fraction(epoch) * n + 1e-9)));
    }
}
