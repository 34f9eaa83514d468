package dev.perennial.api.internal;

import ai.djl.Device;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.perennial.api.registry.PluginRegistry;
import java.nio.file.Path;
import java.util.List;

/**
 * Wires the runtime: the plugin registry (built-ins plus plugin directories), the device, the runner. Plugins
 * never see Guice: they get a {@code PluginContext}.
 */
public final class RuntimeModule extends AbstractModule {
    private final List<Path> pluginDirectories;
    private final String device;

    /**
     * Creates the module.
     *
     * @param pluginDirectories folders of plugin jars
     * @param device auto, cpu or gpu
     */
    public RuntimeModule(List<Path> pluginDirectories, String device) {
        this.pluginDirectories = List.copyOf(pluginDirectories);
        this.device = device;
    }

    @Override
    protected void configure() {
        bind(ExperimentRunner.class).in(Singleton.class);
    }

    @Provides
    @Singleton
    PluginRegistry registry() {
        return PluginRegistry.load(pluginDirectories);
    }

    @Provides
    @Singleton
    Device device() {
        return DeviceSelection.choose(device);
    }
}
