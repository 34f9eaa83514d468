package dev.perennial.spi;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The root of every provider interface: a named, versioned factory of one plugin object.
 *
 * <p>Providers carry {@link PluginName} and are discovered with {@code ServiceLoader.stream()}. They must have a public no-argument
 * constructor that does no work: the registry instantiates a provider only to read its name and metadata,
 * and calls {@link #create} only when an experiment asks for it.
 *
 * @param <C> the configuration record, bound from JSON or YAML; unknown fields are an error
 * @param <P> the plugin object the factory makes
 */
public interface PluginProvider<C extends Record, P> {

    /** What a name must look like: lower-case letters, digits and dashes, starting with a letter. */
    Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    /**
     * The name an experiment uses to ask for this plugin, unique within its {@link #kind()}.
     *
     * @return a name matching {@link #NAME}; by default the value of the class's {@link PluginName}
     * @throws IllegalStateException when the class carries no {@link PluginName}
     */
    default String name() {
        PluginName annotation = getClass().getAnnotation(PluginName.class);
        if (annotation == null) {
            throw new IllegalStateException("plugin provider " + getClass().getName()
                    + " has no @PluginName annotation");
        }
        return annotation.value();
    }

    /**
     * The plugin's own version, written into checkpoints and reports.
     *
     * @return e.g. {@code 1.2.0}
     */
    String version();

    /**
     * The SPI version this provider was compiled against; implement as {@code return SpiVersion.CURRENT;}.
     *
     * @return {@code MAJOR.MINOR}
     * @see SpiVersion
     */
    String spiVersion();

    /**
     * Which kind of plugin this is; each kind's provider interface answers this already.
     *
     * @return the kind
     */
    PluginKind kind();

    /**
     * The configuration record type. Document each component with {@link ConfigDoc}.
     *
     * @return the record class
     */
    Class<C> configType();

    /**
     * The configuration used when an experiment gives none; fields an experiment leaves out take these values.
     *
     * @return the defaults
     */
    C defaultConfig();

    /**
     * One sentence for {@code perennial plugins} and the configuration reference.
     *
     * @return a description
     */
    default String description() {
        return "";
    }

    /**
     * What this plugin supports or needs, checked by the runtime before the run starts.
     *
     * @return the capabilities, empty by default
     */
    default Set<Capability> capabilities() {
        return Set.of();
    }

    /**
     * Makes the plugin object. Called once per run.
     *
     * @param config the validated configuration
     * @param context what the runtime lends the plugin
     * @return the plugin object
     */
    P create(C config, PluginContext context);
}
