package dev.perennial.api.registry;

import dev.perennial.spi.Capability;
import dev.perennial.spi.PluginKind;
import java.util.Set;

/**
 * What {@code perennial plugins} and the configuration reference show about one plugin: its identity,
 * versions, what it supports, its configuration record and where it came from.
 *
 * @param kind the plugin kind
 * @param name the name an experiment uses
 * @param version the plugin's own version
 * @param spiVersion the SPI version the plugin was built against
 * @param description one sentence, possibly empty
 * @param capabilities what the plugin supports or needs
 * @param configType the configuration record
 * @param source where the provider was found
 */
public record PluginDescriptor(PluginKind kind, String name, String version, String spiVersion,
                               String description, Set<Capability> capabilities,
                               Class<? extends Record> configType, PluginSource source) {
    /** Copies the capabilities. */
    public PluginDescriptor {
        capabilities = Set.copyOf(capabilities);
    }
}
