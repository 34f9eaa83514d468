package dev.perennial.spi;

/**
 * The version of this SPI, which every provider declares and the registry checks.
 *
 * <p>A provider implements {@link PluginProvider#spiVersion()} as {@code return SpiVersion.CURRENT;} (or passes
 * {@code SpiVersion.CURRENT} to {@link AbstractPluginProvider}'s constructor).
 * Because {@link #CURRENT} is a compile-time constant, the value is copied into the plugin's class file when
 * the plugin is compiled, so the registry sees the SPI version the plugin was built against, not the one it
 * runs with. A plugin is compatible when its major version equals {@link #MAJOR} and its minor version is not
 * newer than {@link #MINOR} (minor versions only add).
 */
public final class SpiVersion {
    /** Major version: bumped on any incompatible change. */
    public static final int MAJOR = 1;
    /**
     * Minor version: bumped when methods with defaults or new types are added (1.4: {@link AuxiliaryModels};
     * 1.5: {@link AbstractPluginProvider}; 1.6: {@link Predictions#ofScores(ai.djl.ndarray.NDArray)},
     * {@link PluginState#classes(boolean[])}, {@link PluginState#classMask(String, int)} and
     * {@link PluginState#requireSchema(String, int...)}).
     */
    public static final int MINOR = 6;
    /** {@code MAJOR.MINOR}, the value providers return from {@link PluginProvider#spiVersion()}. */
    public static final String CURRENT = "1.6";

    private SpiVersion() {}

    /**
     * Whether a plugin built against {@code declared} can run on this SPI.
     *
     * @param declared the version the provider declares, {@code MAJOR.MINOR}
     * @return true when the major versions match and the declared minor is not newer
     * @throws IllegalArgumentException when {@code declared} is not of the form {@code MAJOR.MINOR}
     */
    public static boolean isCompatible(String declared) {
        int[] v = parse(declared);
        return v[0] == MAJOR && v[1] <= MINOR;
    }

    /**
     * Parses {@code MAJOR.MINOR}.
     *
     * @param version the text
     * @return {@code {major, minor}}
     * @throws IllegalArgumentException when the text is not two non-negative integers joined by a dot
     */
    public static int[] parse(String version) {
        if (version == null || !version.matches("\\d{1,4}\\.\\d{1,4}")) {
            throw new IllegalArgumentException(
                    "SPI version '" + version + "' is not of the form MAJOR.MINOR (e.g. " + CURRENT + ")");
        }
        String[] parts = version.split("\\.");
        return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    }
}
