package dev.perennial.continual.ptm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.io.SafetensorsFile;
import dev.perennial.models.io.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the first session of a learner that adapts its backbone there ({@code aper}, {@code safe}) trained: the
 * adapted ViT (its PET module and the PTM weights it shares, tensors {@code adapted.<timm name>}) and the tuning
 * cosine head ({@code head.weight}, {@code head.sigma}), exported by the learner option {@code firstSessionExport}
 * after the session, loaded by {@code firstSessionModel} instead of training the session again, and read by
 * {@code perennial-spark feature-stats --adapted FILE}, which computes the first session's statistics from it.
 *
 * <p>The model is named by {@link #contentHash}: SHA-256 of its tensors (names in sorted order, shapes, float32
 * little-endian values), the same whether computed from the learner's parameters in memory or from the file. A
 * statistics file records it ({@code adaptedSha256}) and the learner that reads the statistics checks it against
 * its own adapted parameters, so statistics of another first session are refused.
 *
 * <p>File: safetensors, {@code __metadata__} {@code format = perennial-first-session-model/1}, {@code method},
 * {@code classCount}, {@code classes} (comma-separated, the first task's classes in the scenario's order),
 * {@code checkpointSha256} (the PTM it was adapted from, {@link FirstSessionStatistics#checkpointHash}) and
 * {@code adaptedSha256}; F32 tensors.
 */
public final class FirstSessionModel {
    /** The {@code format} metadata value. */
    public static final String FORMAT = "perennial-first-session-model/1";
    /** The learners whose first session adapts the backbone. */
    public static final List<String> METHODS = List.of("aper", "safe");
    /** Tensor name prefix of the adapted ViT. */
    public static final String ADAPTED = "adapted.";
    /** Tensor name prefix of the tuning head. */
    public static final String HEAD = "head.";

    private final Path file;
    private final String method;
    private final int classCount;
    private final int[] classes;
    private final String checkpointSha256;
    private final String adaptedSha256;

    private FirstSessionModel(Path file, String method, int classCount, int[] classes, String checkpointSha256,
                              String adaptedSha256) {
        this.file = file;
        this.method = method;
        this.classCount = classCount;
        this.classes = classes;
        this.checkpointSha256 = checkpointSha256;
        this.adaptedSha256 = adaptedSha256;
    }

    /** @return the file */
    public Path file() {
        return file;
    }

    /** @return aper or safe */
    public String method() {
        return method;
    }

    /** @return the content hash of the tensors */
    public String adaptedSha256() {
        return adaptedSha256;
    }

    /** @return the PTM checkpoint's hash */
    public String checkpointSha256() {
        return checkpointSha256;
    }

    /**
     * The tensors of a first session: the adapted ViT's and the head's parameters under their prefixes.
     *
     * @param adapted the adapted ViT
     * @param head the tuning head
     * @return name to (live) parameter array, in the blocks' order
     */
    public static Map<String, NDArray> tensors(Block adapted, Block head) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        ParameterNames.of(adapted).forEach((n, p) -> out.put(ADAPTED + n, p.getArray()));
        ParameterNames.of(head).forEach((n, p) -> out.put(HEAD + n, p.getArray()));
        return out;
    }

    /**
     * SHA-256 of tensors: for each name in sorted order, the name, the shape and the float32 little-endian values.
     *
     * @param tensors the tensors
     * @return lower-case hex
     */
    public static String contentHash(Map<String, NDArray> tensors) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, NDArray> e : new TreeMap<>(tensors).entrySet()) {
                md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                md.update(e.getValue().getShape().toString().getBytes(StandardCharsets.UTF_8));
                float[] v = e.getValue().toType(DataType.FLOAT32, false).toFloatArray();
                ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float x : v) {
                    b.putFloat(x);
                }
                md.update(b.array());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a first session's model.
     *
     * @param file the file
     * @param method aper or safe
     * @param classCount the scenario's classes
     * @param classes the first task's classes
     * @param checkpointSha256 the PTM's hash
     * @param tensors {@link #tensors}
     * @return the content hash written
     */
    public static String write(Path file, String method, int classCount, int[] classes, String checkpointSha256,
                               Map<String, NDArray> tensors) {
        String hash = contentHash(tensors);
        SafetensorsWriter w = SafetensorsWriter.create()
                .metadata("format", FORMAT)
                .metadata("method", method)
                .metadata("classCount", Integer.toString(classCount))
                .metadata("classes", join(classes))
                .metadata("checkpointSha256", checkpointSha256)
                .metadata("adaptedSha256", hash);
        tensors.forEach((n, a) -> w.add(n, a.toType(DataType.FLOAT32, false)));
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            w.write(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the first-session model " + file, e);
        }
        return hash;
    }

    /**
     * Reads the header of a file written by {@link #write}, and checks that its tensors hash to
     * {@code adaptedSha256}.
     *
     * @param file the file
     * @param manager a manager for the check
     * @return the model's header
     * @throws IllegalArgumentException naming the file and the field when it is not such a file
     */
    public static FirstSessionModel read(Path file, NDManager manager) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("first-session model " + file + " does not exist; write it with the "
                    + "learner option firstSessionExport: FILE");
        }
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager scope = manager.newSubManager()) {
            Map<String, String> meta = f.metadata();
            if (!FORMAT.equals(meta.get("format"))) {
                throw new IllegalArgumentException("first-session model " + file + " has format '"
                        + meta.get("format") + "'; expected " + FORMAT);
            }
            String method = field(meta, "method", file);
            if (!METHODS.contains(method)) {
                throw new IllegalArgumentException("first-session model " + file + " metadata 'method' is '"
                        + method + "'; expected one of " + METHODS);
            }
            int classCount;
            int[] classes;
            try {
                classCount = Integer.parseInt(field(meta, "classCount", file));
                String list = field(meta, "classes", file);
                classes = list.isEmpty() ? new int[0]
                        : Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("first-session model " + file + " metadata 'classCount' or "
                        + "'classes' is not a number or a comma-separated list of numbers");
            }
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (String name : f.names()) {
                tensors.put(name, f.read(name, scope));
            }
            String hash = field(meta, "adaptedSha256", file);
            String actual = contentHash(tensors);
            if (!actual.equals(hash)) {
                throw new IllegalArgumentException("first-session model " + file + ": its tensors hash to " + actual
                        + ", its metadata 'adaptedSha256' says " + hash + " (the file was changed)");
            }
            return new FirstSessionModel(file, method, classCount, classes, field(meta, "checkpointSha256", file),
                    hash);
        } catch (IOException e) {
            throw new IllegalArgumentException("first-session model " + file + " is not a readable safetensors "
                    + "file (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Checks the model against the learner that loads it (or the experiment feature-stats computes for); the message
     * names the first field that differs.
     *
     * @param expectedMethod the learner
     * @param expectedClassCount the scenario's classes
     * @param expectedClasses the first task's classes
     * @param expectedCheckpoint the PTM's hash
     * @param plugin the learner's name, for the message
     * @throws IllegalArgumentException on a mismatch
     */
    public void requireMatches(String expectedMethod, int expectedClassCount, int[] expectedClasses,
                               String expectedCheckpoint, String plugin) {
        String where = plugin + ": first-session model " + file + ": ";
        require(method.equals(expectedMethod), where, "method", method, expectedMethod);
        require(classCount == expectedClassCount, where, "classCount", classCount, expectedClassCount);
        require(Arrays.equals(classes, expectedClasses), where, "classes", Arrays.toString(classes),
                Arrays.toString(expectedClasses));
        require(checkpointSha256.equals(expectedCheckpoint), where, "checkpointSha256", checkpointSha256,
                expectedCheckpoint);
    }

    private static void require(boolean ok, String where, String field, Object found, Object expected) {
        if (!ok) {
            throw new IllegalArgumentException(where + "'" + field + "' is " + found + ", the learner's is "
                    + expected + " (export the model again with the learner's configuration)");
        }
    }

    /**
     * Copies the file's tensors into the blocks' parameters (real copies), requiring every parameter of both.
     *
     * @param adapted the adapted ViT (initialized)
     * @param head the tuning head (initialized), or null to load the ViT only
     * @param manager a manager for the reads
     * @return the content hash of what was loaded
     */
    public String loadInto(Block adapted, Block head, NDManager manager) {
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager scope = manager.newSubManager()) {
            Map<String, Parameter> targets = new LinkedHashMap<>();
            ParameterNames.of(adapted).forEach((n, p) -> targets.put(ADAPTED + n, p));
            if (head != null) {
                ParameterNames.of(head).forEach((n, p) -> targets.put(HEAD + n, p));
            }
            for (Map.Entry<String, Parameter> e : targets.entrySet()) {
                if (!f.names().contains(e.getKey())) {
                    throw new IllegalArgumentException("first-session model " + file + " has no tensor '"
                            + e.getKey() + "' (another architecture or PET module)");
                }
                NDArray a = f.read(e.getKey(), scope);
                NDArray target = e.getValue().getArray();
                if (!a.getShape().equals(target.getShape())) {
                    throw new IllegalArgumentException("first-session model " + file + " tensor '" + e.getKey()
                            + "' has shape " + a.getShape() + "; the learner's is " + target.getShape());
                }
                a.toType(target.getDataType(), false).copyTo(target);
            }
            return adaptedSha256;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the first-session model " + file, e);
        }
    }

    private static String field(Map<String, String> meta, String key, Path file) {
        String v = meta.get(key);
        if (v == null) {
            throw new IllegalArgumentException("first-session model " + file + " has no '" + key + "' metadata");
        }
        return v;
    }

    static String join(int[] v) {
        return String.join(",", Arrays.stream(v).mapToObj(Integer::toString).toList());
    }
}
