/**
 * The spurious-background benchmark of the augmentation module (issue #8): Fashion-MNIST objects pasted onto
 * CIFAR-10 backgrounds, where in training 95 % of each class sits on one background class and at test time
 * every (class, background) pair is equally common; the same small CNN is trained with no augmentation,
 * mixup, cutmix and de-da, and average and worst-group accuracy (the Waterbirds measure) are compared. This package
 * holds the data set and the metric plugins; the comparison is the sweep file
 * {@code benchmarks/sweeps/augmentation-spurious-backgrounds.yaml}.
 */
package dev.perennial.benchmarks.augmentation;
