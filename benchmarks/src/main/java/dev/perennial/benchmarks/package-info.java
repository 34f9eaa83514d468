/** Benchmark programs. */
package dev.perennial.benchmarks;
