package dev.perennial.spi;

/**
 * Provides a {@link TaskSplitter} that cuts a data set into tasks. Register implementations with ServiceLoader
 * ({@code provides dev.perennial.spi.ScenarioProvider with ...}).
 *
 * @param <C> the configuration record
 */
public interface ScenarioProvider<C extends Record> extends PluginProvider<C, TaskSplitter> {
    @Override
    default PluginKind kind() {
        return PluginKind.SCENARIO;
    }
}
