package dev.perennial.spi;

/**
 * Provides a {@link Metric}. Register implementations with ServiceLoader
 * ({@code provides dev.perennial.spi.MetricProvider with ...}).
 *
 * @param <C> the configuration record
 */
public interface MetricProvider<C extends Record> extends PluginProvider<C, Metric> {
    @Override
    default PluginKind kind() {
        return PluginKind.METRIC;
    }
}
