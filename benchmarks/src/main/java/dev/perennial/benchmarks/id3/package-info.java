/** The ID³ benchmark (issue #24): recognisers trained on ID³-synthetic, generated and plain-diffusion faces. */
package dev.perennial.benchmarks.id3;
