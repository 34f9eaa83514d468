/**
 * RandAugment-style photometric augmentation (Cubuk et al., "RandAugment: Practical automated data
 * augmentation with a reduced search space", NeurIPS 2020): N operations drawn uniformly per image, all at one
 * magnitude M. Only the photometric operations of the paper's list are included (no rotation, shear or
 * translation), with the magnitude tables of torchvision's implementation.
 */
package dev.perennial.augmentation.randaugment;
