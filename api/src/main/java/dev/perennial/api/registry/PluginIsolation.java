package dev.perennial.api.registry;

/**
 * How the jars of a plugin directory are loaded.
 */
public enum PluginIsolation {
    /**
     * {@link #MODULE_LAYER} when the SPI runs as a named module (the application is on the module path),
     * else {@link #CLASS_LOADER}.
     */
    AUTO,
    /**
     * Each directory becomes one {@link ModuleLayer} over the layer that holds {@code dev.perennial.spi}, with one
     * class loader. Every jar must be an explicit module (have a {@code module-info.class}) that requires only
     * {@code dev.perennial.spi}, {@code dev.perennial.models}, {@code ai.djl.api}, {@code java.*} modules and
     * other modules of the same directory. Needs the SPI to be a named module.
     */
    MODULE_LAYER,
    /**
     * Each directory gets one {@link java.net.URLClassLoader} over the application's class loader and providers
     * are found through {@code META-INF/services}. Module descriptors are not checked: a class-path plugin can
     * see everything the application sees. The fallback when the application runs on the class path.
     */
    CLASS_LOADER
}
