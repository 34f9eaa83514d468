/** Baselines: naive fine-tuning, LwF, EWC. */
package dev.perennial.continual.baseline;
