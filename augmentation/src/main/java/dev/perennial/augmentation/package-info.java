/**
 * Online batch augmenters, registered through the SPI, and the small image tools they share.
 *
 * <p>The augmenters live in one package each: {@code deda} (De-DA, decoupled foreground / background
 * augmentation), {@code freda} (FreDA, frequency-domain mixing of a real and a fake image), {@code mixing}
 * (mixup and cutmix baselines) and {@code randaugment} (RandAugment-style photometric operations). Every one
 * reads the batch input {@code image} (float32, B×C×H×W, values in [0, 1]), draws its random numbers from
 * {@link dev.perennial.augmentation.StepRandom} so a resumed run repeats itself, and puts its new arrays in the
 * step's manager.
 */
package dev.perennial.augmentation;
