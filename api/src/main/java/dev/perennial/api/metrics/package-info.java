/**
 * Metrics: the accuracy matrix of a continual run with its summary numbers (average incremental accuracy, last
 * accuracy, forgetting, BWT, FWT; formulas in {@link dev.perennial.api.metrics.AccuracyMatrix}), and the
 * {@code accuracy} and {@code top5-accuracy} metric plugins.
 */
package dev.perennial.api.metrics;
