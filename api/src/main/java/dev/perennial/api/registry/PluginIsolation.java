package dev.perennial.api.registry;

import java.util.Set;

/**
 * How the jars of a plugin directory are loaded, and the dependency rule every plugin module follows.
 *
 * <p>The rule is the same for the project's built-in plugin modules ({@code continual}, {@code distillation},
 * {@code augmentation}, {@code plugins/*}) and for jars in a plugin directory, so that any built-in module can
 * also be installed from a plugin directory: a plugin module may require
 * <ul>
 *   <li>the modules the runtime shares with plugins, {@link #SHARED_MODULES}: the SPI, the model blocks, DJL's API
 *       and Gson (a dependency of DJL's API that plugins built against DJL see anyway);</li>
 *   <li>annotation-only modules, {@link #ANNOTATION_MODULES} (Jackson's annotations, to name config fields): they
 *       hold no behaviour, and the runtime's Jackson reads them;</li>
 *   <li>{@code java.*} modules, and other modules in the same plugin directory (e.g. {@code dev.perennial.llava}
 *       beside {@code dev.perennial.continual}).</li>
 * </ul>
 * Never the runtime itself ({@code dev.perennial.api}), Guice, or Jackson's databind.
 */
public enum PluginIsolation {
    /**
     * {@link #MODULE_LAYER} when the SPI runs as a named module (the application is on the module path),
     * else {@link #CLASS_LOADER}.
     */
    AUTO,
    /**
     * Each directory becomes one {@link ModuleLayer} over the layer that holds {@code dev.perennial.spi}, with one
     * class loader. Every jar must be an explicit module (have a {@code module-info.class}) that follows the rule
     * above ({@link #mayRequire}, or a module of the same directory). Needs the SPI to be a named module.
     */
    MODULE_LAYER,
    /**
     * Each directory gets one {@link java.net.URLClassLoader} over the application's class loader and providers
     * are found through {@code META-INF/services}. Module descriptors are not checked: a class-path plugin can
     * see everything the application sees. The fallback when the application runs on the class path.
     */
    CLASS_LOADER;

    /** The runtime's modules a plugin module may require: the SPI, the model blocks, DJL's API and its Gson. */
    public static final Set<String> SHARED_MODULES = Set.of("dev.perennial.spi", "dev.perennial.models", "ai.djl.api",
            "com.google.gson");

    /** Annotation-only modules a plugin module may require (static or not): Jackson's annotations. */
    public static final Set<String> ANNOTATION_MODULES = Set.of("com.fasterxml.jackson.annotation");

    /**
     * Whether a plugin module may require a module of the application (besides the modules of its own directory).
     *
     * @param module a module name from the plugin's {@code requires}
     * @return true for {@code java.*}, {@link #SHARED_MODULES} and {@link #ANNOTATION_MODULES}
     */
    public static boolean mayRequire(String module) {
        return module.startsWith("java.") || SHARED_MODULES.contains(module) || ANNOTATION_MODULES.contains(module);
    }
}
