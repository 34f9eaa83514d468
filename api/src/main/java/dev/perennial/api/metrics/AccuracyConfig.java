package dev.perennial.api.metrics;

/** Configuration of the {@code accuracy} and {@code top5-accuracy} metrics: they have no settings. */
public record AccuracyConfig() {}
