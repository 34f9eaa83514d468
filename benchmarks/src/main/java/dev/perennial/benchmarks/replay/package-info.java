/** Replay baselines against regularisation baselines on a split benchmark at equal memory (issue #20). */
package dev.perennial.benchmarks.replay;
