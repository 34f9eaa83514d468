/**
 * The {@code decoded-image-set} data source of the SAFE sweeps ({@code benchmarks/sweeps/safe-*.yaml}): an image
 * folder decoded once per run, in a given class order and size per class.
 */
package dev.perennial.benchmarks.safe;
