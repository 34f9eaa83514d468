package dev.perennial.api.checkpoint;

/** A checkpoint could not be written or read; the message names the file and the problem. */
public class CheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the file
     * @param cause the cause, may be null
     */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Creates the exception.
     *
     * @param message names the file
     */
    public CheckpointException(String message) {
        super(message);
    }
}
