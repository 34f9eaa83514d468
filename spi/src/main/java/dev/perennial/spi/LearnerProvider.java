package dev.perennial.spi;

/**
 * Provides a {@link Learner}. Register implementations with ServiceLoader
 * ({@code provides dev.perennial.spi.LearnerProvider with ...}).
 *
 * @param <C> the configuration record
 */
public interface LearnerProvider<C extends Record> extends PluginProvider<C, Learner> {
    @Override
    default PluginKind kind() {
        return PluginKind.LEARNER;
    }
}
