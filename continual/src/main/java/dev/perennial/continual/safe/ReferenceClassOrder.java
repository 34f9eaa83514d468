package dev.perennial.continual.safe;

import java.util.List;

/**
 * The CIFAR-100 class order of SAFE's released runs (safe.md §3.3, §5.6, §7.13): numpy's
 * {@code np.random.seed(1993); np.random.permutation(100)}, which no Java random generator reproduces, shipped as
 * data. Indices are CIFAR-100's fine labels in their usual (alphabetical) order, which is also the sorted order of
 * the class folders of an ImageFolder copy of the data set. Computed with numpy 1.24.2 (legacy MT19937 seeding,
 * stable across numpy versions).
 */
public final class ReferenceClassOrder {
    /** The permutation: task 1 holds the first 10 classes, task 2 the next 10, … (B0-Inc10). */
    public static final List<Integer> CIFAR100_SEED_1993 = List.of(68, 56, 78, 8, 23, 84, 90, 65, 74, 76, 40, 89, 3,
            92, 55, 9, 26, 80, 43, 38, 58, 70, 77, 1, 85, 19, 17, 50, 28, 53, 13, 81, 45, 82, 6, 59, 83, 16, 15, 44,
            91, 41, 72, 60, 79, 52, 20, 10, 31, 54, 37, 95, 14, 71, 96, 98, 97, 2, 64, 66, 42, 22, 35, 86, 24, 34, 87,
            21, 99, 0, 88, 27, 18, 94, 11, 12, 47, 25, 30, 46, 62, 69, 36, 61, 7, 63, 75, 5, 32, 4, 51, 48, 73, 93,
            39, 67, 29, 49, 57, 33);

    private ReferenceClassOrder() {}
}
