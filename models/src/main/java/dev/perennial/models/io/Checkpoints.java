package dev.perennial.models.io;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.perennial.models.ParameterNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Opening checkpoints by path, whatever their layout, and saving a block's parameters.
 *
 * <p>Only safetensors is read. Pickled PyTorch files ({@code .bin}, {@code .pt}, {@code .pth}, {@code .ckpt},
 * {@code .pkl}, or anything that starts like a pickle or a {@code torch.save} zip) are refused with a message
 * that says how to convert them: unpickling can run arbitrary code.
 */
public final class Checkpoints {
    /** The Hugging Face name of a sharded checkpoint's index. */
    public static final String INDEX_FILE = "model.safetensors.index.json";
    /** The Hugging Face name of a single-file checkpoint. */
    public static final String SINGLE_FILE = "model.safetensors";

    private static final Set<String> PICKLED_EXTENSIONS = Set.of("bin", "pt", "pth", "ckpt", "pkl", "pickle");

    private Checkpoints() {}

    /**
     * Opens a checkpoint with memory-mapped access.
     *
     * @param path a {@code .safetensors} file, a {@code *.safetensors.index.json} file, or a directory holding
     *     {@value #INDEX_FILE}, {@value #SINGLE_FILE} or exactly one {@code .safetensors} file
     * @return the tensors
     * @throws CheckpointException if the path is pickled, ambiguous or malformed
     * @throws IOException if a file cannot be read
     */
    public static TensorSource open(Path path) throws IOException {
        return open(path, SafetensorsFile.Access.MEMORY_MAP);
    }

    /**
     * Opens a checkpoint.
     *
     * @param path see {@link #open(Path)}
     * @param access how tensor bytes are read
     * @return the tensors
     * @throws CheckpointException if the path is pickled, ambiguous or malformed
     * @throws IOException if a file cannot be read
     */
    public static TensorSource open(Path path, SafetensorsFile.Access access) throws IOException {
        if (Files.isDirectory(path)) {
            return openDirectory(path, access);
        }
        if (!Files.exists(path)) {
            throw new CheckpointException(path, "does not exist; expected a .safetensors file, a "
                    + "*.safetensors.index.json file or a checkpoint directory");
        }
        if (path.getFileName().toString().endsWith(".index.json")) {
            return ShardedCheckpoint.open(path, access);
        }
        return SafetensorsFile.open(path, access);
    }

    private static TensorSource openDirectory(Path dir, SafetensorsFile.Access access) throws IOException {
        Path index = dir.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return ShardedCheckpoint.open(index, access);
        }
        Path single = dir.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            return SafetensorsFile.open(single, access);
        }
        List<Path> safetensors = new ArrayList<>();
        List<Path> pickled = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String ext = extension(f);
                if (ext.equals("safetensors")) {
                    safetensors.add(f);
                } else if (PICKLED_EXTENSIONS.contains(ext)) {
                    pickled.add(f);
                }
            }
        }
        if (safetensors.size() == 1) {
            return SafetensorsFile.open(safetensors.get(0), access);
        }
        if (safetensors.size() > 1) {
            throw new CheckpointException(dir, "holds " + safetensors.size() + " .safetensors files but no "
                    + INDEX_FILE + "; open one file directly or add an index");
        }
        if (!pickled.isEmpty()) {
            refusePickledName(pickled.get(0));
        }
        throw new CheckpointException(dir, "holds no " + INDEX_FILE + ", " + SINGLE_FILE
                + " or other .safetensors file");
    }

    /**
     * Writes every parameter of a block under its torch-style name ({@link ParameterNames}) to one file.
     *
     * @param block an initialized block
     * @param path the file to write
     * @throws IOException if it cannot be written
     * @throws IllegalStateException if a parameter is not initialized
     */
    public static void save(Block block, Path path) throws IOException {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : ParameterNames.of(block).entrySet()) {
            if (!e.getValue().isInitialized()) {
                throw new IllegalStateException("parameter '" + e.getKey() + "' is not initialized; initialize the "
                        + "block before saving it");
            }
            arrays.put(e.getKey(), e.getValue().getArray());
        }
        SafetensorsWriter.write(path, arrays);
    }

    /**
     * Refuses pickled files by extension or by their first bytes.
     *
     * @param path the file about to be opened
     * @throws CheckpointException if it is pickled
     * @throws IOException if it cannot be read
     */
    static void refusePickled(Path path) throws IOException {
        refusePickledName(path);
        if (!Files.isRegularFile(path)) {
            return;
        }
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, 4);
        }
        boolean zip = n == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
        // Pickle protocol 2..5 streams start with the PROTO opcode 0x80 followed by the protocol number.
        boolean pickle = n >= 2 && (head[0] & 0xFF) == 0x80 && head[1] >= 2 && head[1] <= 5;
        if (zip || pickle) {
            throw pickledError(path, "starts like a " + (zip ? "torch.save zip archive" : "Python pickle")
                    + ", not safetensors");
        }
    }

    /**
     * Refuses pickled files by extension only.
     *
     * @param path a file name
     * @throws CheckpointException if the extension is a pickled format's
     */
    static void refusePickledName(Path path) throws CheckpointException {
        if (PICKLED_EXTENSIONS.contains(extension(path))) {
            throw pickledError(path, "is a pickled PyTorch checkpoint (." + extension(path) + ")");
        }
    }

    private static CheckpointException pickledError(Path path, String what) {
        String stem = path.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        return new CheckpointException(path, what + "; Perennial reads only safetensors, because unpickling can "
                + "run arbitrary code. Convert it once in Python:\n"
                + "    import torch\n"
                + "    from safetensors.torch import save_file\n"
                + "    sd = torch.load('" + path.getFileName() + "', map_location='cpu', weights_only=True)\n"
                + "    sd = sd.get('state_dict', sd)\n"
                + "    save_file({k: v.contiguous() for k, v in sd.items()}, '" + stem + ".safetensors')");
    }

    private static String extension(Path path) {
        String name = path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
