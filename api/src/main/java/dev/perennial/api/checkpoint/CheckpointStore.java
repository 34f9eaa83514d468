package dev.perennial.api.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.models.nn.Owned;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Writes and reads checkpoints under {@code <run>/checkpoints/<tag>/}: tensors as safetensors, the manifest as
 * JSON. A checkpoint is written into a temporary folder and renamed into place, and {@code LATEST} is updated
 * last, so an interrupted write never replaces a good checkpoint. The manifest records the length and SHA-256 of
 * every other file; {@link #latest(Consumer)} checks them and falls back to the newest checkpoint that is intact.
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
            Map<String, CheckpointFile> sums = new LinkedHashMap<>();
            for (Map.Entry<String, Map<String, NDArray>> f : tensorFiles.entrySet()) {
                Path file = temp.resolve(f.getKey());
                writeTensors(file, f.getValue());
                sums.put(f.getKey(), new CheckpointFile(Files.size(file), sha256(file)));
            }
            json.writeValue(temp.resolve("manifest.json").toFile(), manifest.withChecksums(sums));
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
     * The newest intact checkpoint; warnings (a corrupt checkpoint passed over, one that cannot be verified) go to
     * standard error.
     *
     * @return its folder, or empty when the run has none
     * @throws CheckpointException when the run has checkpoints but none is intact
     */
    public Optional<Path> latest() {
        return latest(w -> System.err.println("perennial: warning: " + w));
    }

    /**
     * The newest intact checkpoint: the one {@code LATEST} names when its manifest reads and every file has the
     * length and SHA-256 the manifest recorded; otherwise the intact one with the most optimizer steps, after a
     * warning that names what was wrong with each one passed over.
     *
     * @param warnings receives one line per checkpoint passed over or not verifiable
     * @return its folder, or empty when the run has none
     * @throws CheckpointException when the run has checkpoints but none is intact; the message names each one's
     *     problem
     */
    public Optional<Path> latest(Consumer<String> warnings) {
        Path latest = root.resolve("LATEST");
        String named = null;
        if (Files.isRegularFile(latest)) {
            try {
                named = Files.readString(latest, StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                warnings.accept("could not read " + latest + ": " + e.getMessage());
            }
        }
        List<String> problems = new ArrayList<>();
        if (named != null) {
            Path dir = root.resolve(named).normalize();
            Optional<String> problem = dir.getParent().equals(root.normalize()) && Files.isDirectory(dir)
                    ? problem(dir, warnings) : Optional.of(latest + " names checkpoint '" + named + "', which is missing");
            if (problem.isEmpty()) {
                return Optional.of(dir);
            }
            problems.add(problem.get());
            warnings.accept("checkpoint " + dir + " is not usable: " + problem.get()
                    + "; looking for an older intact checkpoint");
        }
        Path best = null;
        CheckpointManifest bestManifest = null;
        for (Path dir : candidates()) {
            if (named != null && dir.getFileName().toString().equals(named)) {
                continue;
            }
            Optional<String> problem = problem(dir, warnings);
            if (problem.isPresent()) {
                problems.add(problem.get());
                warnings.accept("checkpoint " + dir + " is not usable: " + problem.get());
                continue;
            }
            CheckpointManifest m = readManifest(dir);
            if (bestManifest == null || m.globalStep() > bestManifest.globalStep()
                    || (m.globalStep() == bestManifest.globalStep() && m.nextTask() > bestManifest.nextTask())) {
                best = dir;
                bestManifest = m;
            }
        }
        if (best != null) {
            if (named != null) {
                warnings.accept("resuming from " + best + " instead");
            }
            return Optional.of(best);
        }
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        throw new CheckpointException("no intact checkpoint in " + root + ": " + String.join("; ", problems));
    }

    /** The checkpoint folders: every folder with a manifest, partial writes excluded. */
    private List<Path> candidates() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> Files.isRegularFile(p.resolve("manifest.json"))).sorted().toList();
        } catch (IOException e) {
            throw new CheckpointException("could not list " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks a checkpoint before it is read: the manifest parses, every file it names exists, and every file has
     * the length and SHA-256 recorded when it was written (format 1 recorded none: a warning says so).
     *
     * @param checkpoint the checkpoint's folder
     * @return what is wrong, naming the file; empty when the checkpoint is intact
     */
    public Optional<String> verify(Path checkpoint) {
        return problem(checkpoint, w -> {});
    }

    private Optional<String> problem(Path dir, Consumer<String> warnings) {
        CheckpointManifest m;
        try {
            m = readManifest(dir);
        } catch (CheckpointException e) {
            return Optional.of(oneLine(e.getMessage()));
        }
        List<String> named = new ArrayList<>();
        named.add(m.modelFile());
        named.add(m.optimizerFile());
        if (m.plugins() != null) {
            m.plugins().stream().map(PluginRecord::tensorFile).filter(f -> f != null).forEach(named::add);
        }
        for (String f : named) {
            if (f == null || !Files.isRegularFile(dir.resolve(f))) {
                return Optional.of(dir.resolve(String.valueOf(f)) + " is missing");
            }
        }
        if (m.checksums() == null) {
            warnings.accept("checkpoint " + dir + " was written before checkpoints had checksums (format "
                    + m.formatVersion() + "); its files cannot be verified");
            return Optional.empty();
        }
        for (String f : named) {
            if (!m.checksums().containsKey(f)) {
                return Optional.of(dir.resolve("manifest.json") + " has no checksum for " + f);
            }
        }
        for (Map.Entry<String, CheckpointFile> e : m.checksums().entrySet()) {
            Path file = dir.resolve(e.getKey());
            try {
                if (!Files.isRegularFile(file)) {
                    return Optional.of(file + " is missing");
                }
                long size = Files.size(file);
                if (size != e.getValue().bytes()) {
                    return Optional.of(file + " has " + size + " bytes, " + e.getValue().bytes()
                            + " when it was written" + (size < e.getValue().bytes() ? " (truncated)" : ""));
                }
                String sum = sha256(file);
                if (!sum.equalsIgnoreCase(e.getValue().sha256())) {
                    return Optional.of(file + " does not match its checksum (SHA-256 " + sum + ", "
                            + e.getValue().sha256() + " when it was written): the file is corrupt");
                }
            } catch (IOException ex) {
                return Optional.of("could not read " + file + ": " + ex.getMessage());
            }
        }
        return Optional.empty();
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ");
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
            if (m.formatVersion() < CheckpointManifest.OLDEST_FORMAT || m.formatVersion() > CheckpointManifest.FORMAT) {
                throw new CheckpointException(file + " has format version " + m.formatVersion()
                        + "; this Perennial reads versions " + CheckpointManifest.OLDEST_FORMAT + " to "
                        + CheckpointManifest.FORMAT);
            }
            if (m.modelFile() == null || m.optimizerFile() == null || m.matrixRows() == null
                    || m.lossHistory() == null || m.plugins() == null) {
                throw new CheckpointException(file + " is incomplete: it must name modelFile, optimizerFile,"
                        + " matrixRows, lossHistory and plugins");
            }
            return m;
        } catch (JsonProcessingException e) {
            throw new CheckpointException("could not read checkpoint manifest " + file + ": "
                    + oneLine(e.getOriginalMessage()), e);
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
