package dev.perennial.slerpface.vault;

import dev.perennial.spi.Protector.ProtectedTemplate;
import dev.perennial.spi.Protector.TemplateKey;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two files a {@link TemplateVault} persists to: protected templates and keys, kept apart so that a
 * leaked template database alone does not carry the keys (spec §5.3). Raw templates are never written.
 *
 * <p>Both are big-endian ({@link java.io.DataOutput}) binary files:
 * <pre>
 * templates file, format version 1
 *   8 bytes   magic "PRNLPTPL"
 *   int32     format version (1)
 *   int32     entry count N
 *   N × entry:
 *     UTF     subject                (DataOutput.writeUTF: uint16 length + modified UTF-8)
 *     UTF     key id
 *     UTF     scheme                 (e.g. "slerpface/1")
 *     int32   value count n, then n × float32 protected values
 *     int32   keep-mask length (0 or n), then ⌈length/8⌉ bytes, bit (i mod 8) of byte ⌊i/8⌋ = kept
 *
 * keys file, format version 1
 *   8 bytes   magic "PRNLKEYS"
 *   int32     format version (1)
 *   int32     entry count N
 *   N × entry: UTF subject, UTF key id, int32 n, n × float32 key values
 * </pre>
 * Writes go to a temporary file in the same folder that is then moved over the target, so a crash never
 * leaves a half-written file under the real name.
 */
public final class VaultFiles {

    /** The format version this class writes and reads. */
    public static final int FORMAT_VERSION = 1;

    static final byte[] TEMPLATES_MAGIC = "PRNLPTPL".getBytes(StandardCharsets.US_ASCII);
    static final byte[] KEYS_MAGIC = "PRNLKEYS".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_VALUES = 1 << 24;

    private VaultFiles() {}

    /**
     * A stored protected template with its subject and key id.
     *
     * @param subject the enrolled subject
     * @param keyId the id of the key it was protected with
     * @param template the protected template
     */
    public record StoredTemplate(String subject, String keyId, ProtectedTemplate template) {}

    /**
     * Writes the templates file.
     *
     * @param file the target
     * @param entries subject to stored template, in order
     * @throws UncheckedIOException naming the file when it cannot be written
     */
    public static void writeTemplates(Path file, Map<String, StoredTemplate> entries) {
        atomicWrite(file, out -> {
            out.write(TEMPLATES_MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeInt(entries.size());
            for (StoredTemplate e : entries.values()) {
                out.writeUTF(e.subject());
                out.writeUTF(e.keyId());
                out.writeUTF(e.template().scheme());
                writeFloats(out, e.template().values());
                boolean[] keep = e.template().keep();
                out.writeInt(keep.length);
                byte[] packed = new byte[(keep.length + 7) / 8];
                for (int i = 0; i < keep.length; i++) {
                    if (keep[i]) {
                        packed[i / 8] |= (byte) (1 << (i % 8));
                    }
                }
                out.write(packed);
            }
        });
    }

    /**
     * Reads the templates file.
     *
     * @param file the file
     * @return subject to stored template, in file order
     * @throws IllegalArgumentException naming the file and what is wrong when it is not a valid templates file
     */
    public static Map<String, StoredTemplate> readTemplates(Path file) {
        return read(file, TEMPLATES_MAGIC, "templates", in -> {
            int count = count(in, file);
            Map<String, StoredTemplate> out = new LinkedHashMap<>();
            for (int e = 0; e < count; e++) {
                String subject = in.readUTF();
                String keyId = in.readUTF();
                String scheme = in.readUTF();
                float[] values = readFloats(in, file);
                int keepLength = in.readInt();
                if (keepLength != 0 && keepLength != values.length) {
                    throw new IllegalArgumentException("templates file " + file + ": entry '" + subject
                            + "' has a keep mask of " + keepLength + " flags for " + values.length + " values");
                }
                byte[] packed = new byte[(keepLength + 7) / 8];
                in.readFully(packed);
                boolean[] keep = new boolean[keepLength];
                for (int i = 0; i < keepLength; i++) {
                    keep[i] = (packed[i / 8] >> (i % 8) & 1) == 1;
                }
                if (out.put(subject, new StoredTemplate(subject, keyId, new ProtectedTemplate(scheme, values, keep)))
                        != null) {
                    throw new IllegalArgumentException("templates file " + file + ": subject '" + subject
                            + "' appears twice");
                }
            }
            return out;
        });
    }

    /**
     * Writes the keys file.
     *
     * @param file the target (keep it somewhere else than the templates file)
     * @param keys subject to key
     * @throws UncheckedIOException naming the file when it cannot be written
     */
    public static void writeKeys(Path file, Map<String, TemplateKey> keys) {
        atomicWrite(file, out -> {
            out.write(KEYS_MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeInt(keys.size());
            for (Map.Entry<String, TemplateKey> e : keys.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue().id());
                writeFloats(out, e.getValue().values());
            }
        });
    }

    /**
     * Reads the keys file.
     *
     * @param file the file
     * @return subject to key, in file order
     * @throws IllegalArgumentException naming the file and what is wrong when it is not a valid keys file
     */
    public static Map<String, TemplateKey> readKeys(Path file) {
        return read(file, KEYS_MAGIC, "keys", in -> {
            int count = count(in, file);
            Map<String, TemplateKey> out = new LinkedHashMap<>();
            for (int e = 0; e < count; e++) {
                String subject = in.readUTF();
                String id = in.readUTF();
                if (out.put(subject, new TemplateKey(id, readFloats(in, file))) != null) {
                    throw new IllegalArgumentException("keys file " + file + ": subject '" + subject
                            + "' appears twice");
                }
            }
            return out;
        });
    }

    private interface Body<T> {
        T read(DataInputStream in) throws IOException;
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static <T> T read(Path file, byte[] magic, String what, Body<T> body) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            byte[] head = new byte[magic.length];
            in.readFully(head);
            if (!Arrays.equals(head, magic)) {
                throw new IllegalArgumentException(what + " file " + file + " does not start with \""
                        + new String(magic, StandardCharsets.US_ASCII) + "\": not a Perennial " + what + " file");
            }
            int version = in.readInt();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException(what + " file " + file + " has format version " + version
                        + "; this reader accepts " + FORMAT_VERSION);
            }
            T result = body.read(in);
            if (in.read() != -1) {
                throw new IllegalArgumentException(what + " file " + file + " has bytes after its last entry");
            }
            return result;
        } catch (EOFException e) {
            throw new IllegalArgumentException(what + " file " + file + " ends early (truncated?)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + " file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void atomicWrite(Path file, Writer writer) {
        Path target = file.toAbsolutePath();
        try {
            Path dir = target.getParent();
            Files.createDirectories(dir);
            // the prefix must have at least three characters, whatever the file is called
            Path temporary = Files.createTempFile(dir, "." + target.getFileName() + "-", ".tmp");
            try {
                try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                        Files.newOutputStream(temporary)))) {
                    writer.write(out);
                }
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static int count(DataInputStream in, Path file) throws IOException {
        int count = in.readInt();
        if (count < 0) {
            throw new IllegalArgumentException("file " + file + " has a negative entry count " + count);
        }
        return count;
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        out.writeInt(values.length);
        for (float v : values) {
            out.writeFloat(v);
        }
    }

    private static float[] readFloats(DataInputStream in, Path file) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_VALUES) {
            throw new IllegalArgumentException("file " + file + " has an entry of " + n + " values; accepted 0.."
                    + MAX_VALUES);
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }
}
