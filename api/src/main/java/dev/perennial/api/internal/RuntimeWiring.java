package dev.perennial.api.internal;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Message;
import dev.perennial.api.config.ExperimentConfig;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * Builds the runtime for an experiment (Guice, {@link RuntimeModule}) and lets the exceptions of the wiring reach
 * the caller as they were thrown: a provider that fails (the plugin registry, the device) is reported by Guice as a
 * {@link ProvisionException} or {@link CreationException} holding a many-line dump; applications catch
 * {@link dev.perennial.api.registry.PluginException} and {@link dev.perennial.api.config.ConfigException}, so the
 * first such cause is rethrown instead.
 */
public final class RuntimeWiring {
    private RuntimeWiring() {}

    /**
     * The runner of an experiment: its plugin registry (built-ins and plugin folders) and its device.
     *
     * @param config the experiment
     * @return the runner
     * @throws dev.perennial.api.registry.PluginException when a plugin folder is missing, is a file, or holds a jar
     *         that cannot be loaded
     * @throws dev.perennial.api.config.ConfigException when the device setting cannot be met
     */
    public static ExperimentRunner runner(ExperimentConfig config) {
        try {
            return Guice.createInjector(new RuntimeModule(
                    config.pluginDirectories().stream().map(Path::of).toList(), config.device()))
                    .getInstance(ExperimentRunner.class);
        } catch (ProvisionException e) {
            throw unwrapped(e, e.getErrorMessages());
        } catch (CreationException e) {
            throw unwrapped(e, e.getErrorMessages());
        }
    }

    /**
     * The first exception a provider threw, as it was thrown; an {@link Error} is rethrown as it is.
     *
     * @param wrapper Guice's exception
     * @param messages its error messages
     * @return the exception to throw
     */
    static RuntimeException unwrapped(RuntimeException wrapper, Collection<Message> messages) {
        for (Message m : List.copyOf(messages)) {
            Throwable cause = m.getCause();
            while (cause instanceof ProvisionException || cause instanceof CreationException) {
                cause = cause.getCause();
            }
            if (cause instanceof RuntimeException r) {
                return r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
        }
        // No provider exception to hand on: a wiring fault of the runtime itself; keep Guice's report, first line.
        String first = wrapper.getMessage() == null ? wrapper.getClass().getSimpleName()
                : wrapper.getMessage().lines().filter(l -> !l.isBlank()).findFirst().orElse("");
        return new IllegalStateException("the Perennial runtime could not be wired: " + first, wrapper);
    }
}
