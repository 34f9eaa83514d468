package dev.perennial.api.registry;

/**
 * A plugin cannot be found, loaded or created. The message names the plugin (kind and name), where it came
 * from (its module and jar, or "built-in"), and what would be accepted: the known names, the supported SPI
 * version, the modules a plugin may require. The underlying exception, if any, is the cause.
 */
public class PluginException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A plugin error without an underlying exception.
     *
     * @param message the full, user-facing message
     */
    public PluginException(String message) {
        super(message);
    }

    /**
     * A plugin error caused by another exception (e.g. what a provider's constructor threw).
     *
     * @param message the full, user-facing message
     * @param cause the underlying exception
     */
    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
