package dev.perennial.api;

/**
 * Another run holds the run folder: a second {@code run} or {@code resume} on a folder while one is running would
 * write the same checkpoints and reports. The message names the folder and, when known, the process holding it.
 */
public class RunFolderInUseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the folder and the holder
     */
    public RunFolderInUseException(String message) {
        super(message);
    }
}
