package dev.perennial.api.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.models.nn.Owned;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes and reads checkpoints under {@code <run>/checkpoints/<tag>/}: tensors as safetensors, the manifest as
 * JSON. A checkpoint is written into a temporary folder and renamed into place, and {@code LATEST} is updated
 * last, so an interrupted write never replaces a good checkpoint.
 */
public final class CheckpointStore {
    private static final Set<String> ACCEPTED_DTYPES = Set.of("F32", "F64", "F16", "I64", "I32", "I8", "U8",
            "BOOL");
    private static final long MAX_HEADER = 64L << 20;

    private final Path root;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * A store in a run folder.
     *
     * @param runDirectory the run's folder
     */
    public CheckpointStore(Path runDirectory) {
        this.root = runDirectory.resolve("checkpoints");
    }

    /**
     * The folder holding the checkpoints.
     *
     * @return the folder
     */
    public Path root() {
        return root;
    }

    /**
     * Writes a checkpoint.
     *
     * @param tag its name, e.g. {@code task-0} or {@code step-500}
     * @param manifest the manifest (its file names are relative to the checkpoint's folder)
     * @param tensorFiles file name to named tensors
     * @return the checkpoint's folder
     */
    public Path write(String tag, CheckpointManifest manifest, Map<String, Map<String, NDArray>> tensorFiles) {
        Path target = root.resolve(tag);
        Path temp = root.resolve("." + tag + ".partial");
        try {
            Files.createDirectories(root);
            deleteRecursively(temp);
            Files.createDirectories(temp);
            for (Map.Entry<String, Map<String, NDArray>> f : tensorFiles.entrySet()) {
                writeTensors(temp.resolve(f.getKey()), f.getValue());
            }
            json.writeValue(temp.resolve("manifest.json").toFile(), manifest);
            deleteRecursively(target);
            move(temp, target);
            Path latest = root.resolve("LATEST");
            Path latestTemp = root.resolve(".LATEST.partial");
            Files.writeString(latestTemp, tag + "\n", StandardCharsets.UTF_8);
            move(latestTemp, latest);
            return target;
        } catch (IOException e) {
            throw new CheckpointException("could not write checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * The newest complete checkpoint.
     *
     * @return its folder, or empty when the run has none
     */
    public Optional<Path> latest() {
        Path latest = root.resolve("LATEST");
        if (!Files.isRegularFile(latest)) {
            return Optional.empty();
        }
        try {
            String tag = Files.readString(latest, StandardCharsets.UTF_8).trim();
            Path dir = root.resolve(tag);
            if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
                throw new CheckpointException(latest + " names checkpoint '" + tag + "' but " + dir
                        + " has no manifest.json");
            }
            return Optional.of(dir);
        } catch (IOException e) {
            throw new CheckpointException("could not read " + latest + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a manifest.
     *
     * @param checkpoint the checkpoint's folder
     * @return the manifest
     */
    public CheckpointManifest readManifest(Path checkpoint) {
        Path file = checkpoint.resolve("manifest.json");
        try {
            CheckpointManifest m = json.readValue(file.toFile(), CheckpointManifest.class);
            if (m.formatVersion() != CheckpointManifest.FORMAT) {
                throw new CheckpointException(file + " has format version " + m.formatVersion()
                        + "; this Perennial reads version " + CheckpointManifest.FORMAT);
            }
            return m;
        } catch (IOException e) {
            throw new CheckpointException("could not read checkpoint manifest " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a safetensors file of a checkpoint into a manager, after checking its header.
     *
     * @param file the file
     * @param manager where the arrays go
     * @return name to array, in file order
     */
    public static Map<String, NDArray> readTensors(Path file, NDManager manager) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            validateHeader(bytes, file);
            NDList list = NDList.decode(manager, bytes);
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (NDArray a : list) {
                // NDList.decode wraps Java buffers (torch::from_blob); an owned copy stays valid in every view a
                // plugin keeps, whatever the collector does (models.nn.Owned).
                NDArray owned = Owned.copy(a);
                owned.setName(a.getName());
                a.close();
                out.put(owned.getName(), owned);
            }
            return out;
        } catch (IOException e) {
            throw new CheckpointException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes named arrays as one safetensors file.
     *
     * @param file the file
     * @param tensors name to array
     * @throws IOException when the file cannot be written
     */
    public static void writeTensors(Path file, Map<String, NDArray> tensors) throws IOException {
        NDList list = new NDList(tensors.size());
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            // DJL writes the array's own name; a view with the checkpoint name avoids renaming a live parameter.
            NDArray named = a.duplicate();
            named.setName(e.getKey());
            list.add(named);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            list.encode(out, NDList.Encoding.SAFETENSORS);
        } finally {
            list.close();
        }
    }

    /**
     * Checks a safetensors header before DJL decodes it: a sane length, JSON, known dtypes (never BF16, which
     * aborts the JVM in DJL 0.36) and offsets inside the file.
     */
    static void validateHeader(byte[] bytes, Path file) {
        if (bytes.length < 8) {
            throw new CheckpointException(file + " is not a safetensors file: " + bytes.length + " bytes");
        }
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n <= 0 || n > MAX_HEADER || n > bytes.length - 8) {
            throw new CheckpointException(file + ": safetensors header length " + n + " is outside the file ("
                    + bytes.length + " bytes)");
        }
        JsonNode header;
        try {
            header = new ObjectMapper().readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CheckpointException(file + ": safetensors header is not JSON: " + e.getMessage(), e);
        }
        long data = bytes.length - 8 - n;
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            String dtype = e.getValue().path("dtype").asText();
            if (!ACCEPTED_DTYPES.contains(dtype)) {
                throw new CheckpointException(file + ": tensor '" + e.getKey() + "' has dtype '" + dtype
                        + "'; checkpoints hold " + ACCEPTED_DTYPES);
            }
            JsonNode off = e.getValue().path("data_offsets");
            if (!off.isArray() || off.size() != 2 || off.get(0).asLong(-1) < 0
                    || off.get(1).asLong(-1) < off.get(0).asLong() || off.get(1).asLong() > data) {
                throw new CheckpointException(file + ": tensor '" + e.getKey() + "' has data_offsets " + off
                        + " outside the " + data + " data bytes");
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
