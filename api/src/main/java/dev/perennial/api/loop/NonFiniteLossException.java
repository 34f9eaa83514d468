package dev.perennial.api.loop;

/** The NaN/Inf guard stopped the run; the message names the task, step, loss terms and the setting involved. */
public class NonFiniteLossException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened and where
     */
    public NonFiniteLossException(String message) {
        super(message);
    }
}
