package dev.perennial.spi;

/**
 * Provides a {@link Distiller}. Register implementations with ServiceLoader
 * ({@code provides dev.perennial.spi.DistillerProvider with ...}).
 *
 * @param <C> the configuration record
 */
public interface DistillerProvider<C extends Record> extends PluginProvider<C, Distiller> {
    @Override
    default PluginKind kind() {
        return PluginKind.DISTILLER;
    }
}
