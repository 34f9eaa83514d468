package dev.perennial.api.engine;

/** The libtorch named by {@code PYTORCH_LIBRARY_PATH} cannot run with DJL's PyTorch JNI; the message says why. */
public final class LibtorchMismatchException extends dev.perennial.api.config.ConfigException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message one line: the folder, the versions and what would work
     */
    public LibtorchMismatchException(String message) {
        super(message);
    }
}
