package dev.perennial.spi;

/**
 * Provides a {@link Sampler}. Register implementations with ServiceLoader
 * ({@code provides dev.perennial.spi.SamplerProvider with ...}).
 *
 * @param <C> the configuration record
 */
public interface SamplerProvider<C extends Record> extends PluginProvider<C, Sampler> {
    @Override
    default PluginKind kind() {
        return PluginKind.SAMPLER;
    }
}
