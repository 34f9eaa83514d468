/**
 * The sweep's comparison report, {@code sweep-report.html}: per method mean ± std and 95 % t intervals of the
 * summary metrics, paired tests against a baseline, mean accuracy matrices, learning curves, run and CPU time.
 */
package dev.perennial.samples.sweep.report;
