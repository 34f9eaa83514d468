package dev.perennial.spi;

/**
 * Provides a {@link Augmenter}. Register implementations with ServiceLoader
 * ({@code provides dev.perennial.spi.AugmenterProvider with ...}).
 *
 * @param <C> the configuration record
 */
public interface AugmenterProvider<C extends Record> extends PluginProvider<C, Augmenter> {
    @Override
    default PluginKind kind() {
        return PluginKind.AUGMENTER;
    }
}
