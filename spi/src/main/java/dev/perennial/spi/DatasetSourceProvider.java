package dev.perennial.spi;

/**
 * Provides a {@link DatasetSource}. Register implementations with ServiceLoader
 * ({@code provides dev.perennial.spi.DatasetSourceProvider with ...}).
 *
 * @param <C> the configuration record
 */
public interface DatasetSourceProvider<C extends Record> extends PluginProvider<C, DatasetSource> {
    @Override
    default PluginKind kind() {
        return PluginKind.DATASET_SOURCE;
    }
}
