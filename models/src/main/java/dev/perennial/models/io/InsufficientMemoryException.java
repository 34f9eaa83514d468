package dev.perennial.models.io;

import java.util.Locale;

/**
 * Thrown before anything is allocated when a model's parameters would not fit the memory available for them (on
 * the CPU, {@code MemAvailable}; elsewhere an explicit budget). {@code dev.perennial.llava.InsufficientMemoryException}
 * is this exception for LLaVA checkpoints.
 */
public class InsufficientMemoryException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final long requiredBytes;
    private final long availableBytes;

    /**
     * Creates the exception.
     *
     * @param what the model or file
     * @param requiredBytes bytes the parameters need
     * @param availableBytes bytes available
     * @param hint what to do instead
     */
    public InsufficientMemoryException(String what, long requiredBytes, long availableBytes, String hint) {
        super(what + " needs " + requiredBytes + " bytes (" + gib(requiredBytes) + " GiB) for its parameters but only "
                + availableBytes + " bytes (" + gib(availableBytes) + " GiB) are available; " + hint);
        this.requiredBytes = requiredBytes;
        this.availableBytes = availableBytes;
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f", bytes / (1024.0 * 1024 * 1024));
    }

    /** @return bytes the parameters need */
    public long requiredBytes() {
        return requiredBytes;
    }

    /** @return bytes that were available */
    public long availableBytes() {
        return availableBytes;
    }
}
