package dev.perennial.spi;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The metadata part of a provider, given once in the constructor instead of as five one-line methods (SPI 1.5).
 * A provider extends this class and implements its kind's interface, which supplies {@link #kind()}; it writes
 * only its constructor, {@link #create} and, where it has some, {@link #capabilities()}:
 *
 * <pre>{@code
 * @PluginName("example-linear")
 * public final class LinearSoftmaxProvider extends AbstractPluginProvider<LinearSoftmaxConfig, Learner>
 *         implements LearnerProvider<LinearSoftmaxConfig> {
 *     public LinearSoftmaxProvider() {
 *         super(SpiVersion.CURRENT, "1.0.0", LinearSoftmaxConfig.class, LinearSoftmaxConfig::defaults,
 *                 "A linear softmax classifier on the flattened image.");
 *     }
 *
 *     @Override
 *     public Learner create(LinearSoftmaxConfig config, PluginContext context) { ... }
 * }
 * }</pre>
 *
 * <p>The SPI version is a constructor argument, not a method of this class, on purpose: {@link SpiVersion#CURRENT}
 * is a compile-time constant, so writing it in the plugin's own constructor copies the version the plugin is built
 * against into the plugin's class file. A method here would return the SPI the plugin runs on, and the registry's
 * compatibility check would always pass.
 *
 * <p>The constructor only stores its arguments (a provider's constructor must do no work: the registry
 * instantiates providers to read their metadata); the defaults are made by the supplier on each
 * {@link #defaultConfig()} call. Implementing every method of {@link PluginProvider} directly remains equivalent.
 *
 * @param <C> the configuration record
 * @param <P> what the provider makes
 */
public abstract class AbstractPluginProvider<C extends Record, P> implements PluginProvider<C, P> {
    private final String spiVersion;
    private final String version;
    private final Class<C> configType;
    private final Supplier<C> defaultConfig;
    private final String description;

    /**
     * Stores the provider's metadata.
     *
     * @param spiVersion always {@link SpiVersion#CURRENT}, written in the subclass so that the constant is compiled
     *     into it
     * @param version the plugin's own version, {@code MAJOR.MINOR.PATCH}
     * @param configType the configuration record type
     * @param defaultConfig makes the configuration used when an experiment gives none (e.g. {@code Config::defaults})
     * @param description one sentence for {@code perennial plugins} and the configuration reference
     */
    protected AbstractPluginProvider(String spiVersion, String version, Class<C> configType,
                                     Supplier<C> defaultConfig, String description) {
        this.spiVersion = Objects.requireNonNull(spiVersion, "spiVersion");
        this.version = Objects.requireNonNull(version, "version");
        this.configType = Objects.requireNonNull(configType, "configType");
        this.defaultConfig = Objects.requireNonNull(defaultConfig, "defaultConfig");
        this.description = Objects.requireNonNull(description, "description");
    }

    @Override
    public final String version() {
        return version;
    }

    @Override
    public final String spiVersion() {
        return spiVersion;
    }

    @Override
    public final Class<C> configType() {
        return configType;
    }

    @Override
    public final C defaultConfig() {
        return defaultConfig.get();
    }

    @Override
    public final String description() {
        return description;
    }
}
