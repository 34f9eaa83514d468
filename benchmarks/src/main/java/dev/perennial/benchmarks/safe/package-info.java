/** SAFE against the PTM class-incremental baselines on CIFAR-100 ({@link dev.perennial.benchmarks.safe.SafeBenchmark}). */
package dev.perennial.benchmarks.safe;
