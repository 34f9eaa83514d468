package dev.perennial.api.loop;

/**
 * A created plugin with the name and version it was made under.
 *
 * @param slot its place in the experiment, e.g. {@code learner} or {@code augmenter-0}
 * @param name its name
 * @param version its version
 * @param plugin the plugin object
 * @param <P> the plugin type
 */
public record PluginInstance<P>(String slot, String name, String version, P plugin) {}
