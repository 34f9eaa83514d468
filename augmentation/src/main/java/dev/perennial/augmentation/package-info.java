/** Augmenters. */
package dev.perennial.augmentation;
