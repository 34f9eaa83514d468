package dev.perennial.models.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A checkpoint file that cannot be read safely: malformed safetensors, an unreadable shard index, a pickled
 * file, or a tensor that cannot be converted. The message names the file and, where one is involved, the
 * tensor, and says what would be accepted.
 */
public class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String tensor;

    /**
     * A problem with a whole file.
     *
     * @param file the file
     * @param problem what is wrong and what is accepted
     */
    public CheckpointException(Path file, String problem) {
        this(file, null, problem, null);
    }

    /**
     * A problem with one tensor of a file.
     *
     * @param file the file
     * @param tensor the tensor name, or null
     * @param problem what is wrong and what is accepted
     * @param cause the underlying failure, or null
     */
    public CheckpointException(Path file, String tensor, String problem, Throwable cause) {
        super(file + (tensor == null ? "" : ", tensor '" + tensor + "'") + ": " + problem, cause);
        this.file = file;
        this.tensor = tensor;
    }

    /**
     * The file concerned.
     *
     * @return the path
     */
    public Path file() {
        return file;
    }

    /**
     * The tensor concerned, if the problem is with one tensor.
     *
     * @return the tensor name
     */
    public Optional<String> tensor() {
        return Optional.ofNullable(tensor);
    }
}
