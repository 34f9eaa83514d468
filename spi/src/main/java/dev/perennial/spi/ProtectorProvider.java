package dev.perennial.spi;

/**
 * Provides a {@link Protector}. Register implementations with ServiceLoader
 * ({@code provides dev.perennial.spi.ProtectorProvider with ...}).
 *
 * @param <C> the configuration record
 */
public interface ProtectorProvider<C extends Record> extends PluginProvider<C, Protector> {
    @Override
    default PluginKind kind() {
        return PluginKind.PROTECTOR;
    }
}
