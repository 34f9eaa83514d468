package dev.perennial.augmentation.mixing;

import java.util.SplittableRandom;

/** A uniformly random permutation of the batch (Fisher–Yates), the partner of each sample in a mix. */
final class BatchPermutation {

    private BatchPermutation() {}

    static long[] draw(int size, SplittableRandom random) {
        long[] perm = new long[size];
        for (int i = 0; i < size; i++) {
            perm[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm;
    }
}
