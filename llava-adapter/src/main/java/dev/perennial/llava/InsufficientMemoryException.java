package dev.perennial.llava;

/**
 * Thrown before anything is allocated when a LLaVA model would not fit the memory available for it (the models
 * module's {@link dev.perennial.models.io.InsufficientMemoryException}, which {@code LlamaForCausalLM.load} throws).
 */
public final class InsufficientMemoryException extends dev.perennial.models.io.InsufficientMemoryException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param what the model or file
     * @param requiredBytes bytes the parameters need
     * @param availableBytes bytes available
     * @param hint what to do instead
     */
    public InsufficientMemoryException(String what, long requiredBytes, long availableBytes, String hint) {
        super(what, requiredBytes, availableBytes, hint);
    }
}
