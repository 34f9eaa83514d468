package dev.perennial.slerpface;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The recognition-favoured group-wise dropout (spec §1.5, official {@code enroll_SlerpFace_attention_group}):
 * groups whose weight is below the median weight are low-weight and lose more dimensions ({@code n_lo} draws)
 * than high-weight groups ({@code n_hi} draws), so the groups recognition relies on keep more of themselves.
 */
public final class GroupDropout {

    private GroupDropout() {}

    /**
     * Which groups are low-weight: {@code w_i < median(w)} (spec §1.5). The median of an even count is the mean
     * of the two middle values, as {@code numpy.median} computes it.
     *
     * @param weights the group weights
     * @return true for low-weight groups
     */
    public static boolean[] lowWeightGroups(double[] weights) {
        double[] sorted = weights.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        boolean[] low = new boolean[n];
        for (int i = 0; i < n; i++) {
            low[i] = weights[i] < median;
        }
        return low;
    }

    /**
     * Draws the indices to zero in every group.
     *
     * @param weights the group weights (decide low / high)
     * @param config d, r, gap and the mode
     * @param random the source of the draws
     * @return per group the drawn indices in [0, d) (with repeats in {@link DropoutMode#WITH_REPLACEMENT})
     */
    public static int[][] draw(double[] weights, SlerpFaceConfig config, RandomGenerator random) {
        boolean[] low = lowWeightGroups(weights);
        int d = config.groupSize();
        int[][] draws = new int[weights.length][];
        for (int i = 0; i < weights.length; i++) {
            int n = low[i] ? config.lowWeightDraws() : config.highWeightDraws();
            draws[i] = config.dropoutMode() == DropoutMode.WITH_REPLACEMENT
                    ? withReplacement(n, d, random) : withoutReplacement(n, d, random);
        }
        return draws;
    }

    /**
     * The keep mask of given draws: false at every drawn index.
     *
     * @param draws per group the indices to zero
     * @param groupSize d
     * @return {@code m·d} flags, true = kept
     * @throws IllegalArgumentException when an index is outside [0, d)
     */
    public static boolean[] keepMask(int[][] draws, int groupSize) {
        boolean[] keep = new boolean[draws.length * groupSize];
        Arrays.fill(keep, true);
        for (int i = 0; i < draws.length; i++) {
            for (int j : draws[i]) {
                if (j < 0 || j >= groupSize) {
                    throw new IllegalArgumentException("slerpface: dropout index " + j + " of group " + i
                            + " is outside [0, " + groupSize + ")");
                }
                keep[i * groupSize + j] = false;
            }
        }
        return keep;
    }

    private static int[] withReplacement(int n, int d, RandomGenerator random) {
        int[] out = new int[n];
        for (int j = 0; j < n; j++) {
            out[j] = random.nextInt(d);
        }
        return out;
    }

    /** A partial Fisher–Yates shuffle: the first n of a random permutation of 0..d−1. */
    private static int[] withoutReplacement(int n, int d, RandomGenerator random) {
        int[] all = new int[d];
        for (int j = 0; j < d; j++) {
            all[j] = j;
        }
        for (int j = 0; j < n; j++) {
            int pick = j + random.nextInt(d - j);
            int swap = all[j];
            all[j] = all[pick];
            all[pick] = swap;
        }
        return Arrays.copyOf(all, n);
    }
}
