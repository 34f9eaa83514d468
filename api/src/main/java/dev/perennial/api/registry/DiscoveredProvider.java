package dev.perennial.api.registry;

import dev.perennial.spi.PluginKind;
import java.util.ServiceLoader;

/**
 * A provider as discovery found it, not yet instantiated: its kind, the ServiceLoader handle (whose
 * {@code type()} carries the {@link dev.perennial.spi.PluginName} and whose {@code get()} instantiates it)
 * and where it was found.
 *
 * @param kind the kind whose provider interface it was registered under
 * @param provider the ServiceLoader handle
 * @param source where it was found
 */
record DiscoveredProvider(PluginKind kind, ServiceLoader.Provider<?> provider, PluginSource source) {}
