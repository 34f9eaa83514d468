package dev.perennial.spi;

/** A data set could not be read; the message names the file or folder and what was expected. */
public class DatasetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the file and what was wrong
     */
    public DatasetException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message names the file and what was wrong
     * @param cause the underlying error
     */
    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
