/**
 * Data sets and scenarios: the {@code image-folder} (folder or zip), {@code idx} (MNIST / Fashion-MNIST) and
 * {@code generated-shapes} data set plugins, and the {@code class-incremental} scenario plugin
 * (B0-IncK and Bm-IncK), with the Java entry point {@link dev.perennial.api.data.Scenarios}.
 */
package dev.perennial.api.data;
