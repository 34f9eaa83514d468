package dev.perennial.api.config;

/**
 * A configuration the user wrote cannot be bound: an unknown or mistyped field, a value the configuration
 * record rejects, or a record Jackson cannot reach. The message names where the configuration came from
 * (e.g. {@code experiment.yaml: learner}), the field and what would be accepted; the Jackson exception, if
 * any, is attached as the cause for debugging but never shown as the message.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A configuration error without an underlying exception.
     *
     * @param message the full, user-facing message
     */
    public ConfigException(String message) {
        super(message);
    }

    /**
     * A configuration error caused by another exception.
     *
     * @param message the full, user-facing message
     * @param cause the underlying exception (Jackson's, or the record's validation)
     */
    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
