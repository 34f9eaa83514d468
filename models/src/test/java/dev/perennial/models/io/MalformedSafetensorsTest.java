package dev.perennial.models.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed files are rejected by header validation with a message naming the file, the tensor where one is
 * involved, and the problem; no native code runs for any of them.
 */
class MalformedSafetensorsTest {
    @TempDir
    Path dir;

    static byte[] file(long claimedHeaderLength, byte[] rest) {
        ByteBuffer b = ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(claimedHeaderLength).put(rest);
        return b.array();
    }

    static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.writeBytes(h);
        out.writeBytes(new byte[dataBytes]);
        return out.toByteArray();
    }

    static String tensor(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin
                + "," + end + "]}";
    }

    /** name, file bytes, expected tensor in the message (or null), expected phrase. */
    static Stream<Arguments> malformed() {
        String ok = tensor("a", "F32", "[2]", 0, 8);
        return Stream.of(
                Arguments.of("empty file", new byte[0], null, "truncated"),
                Arguments.of("shorter than the length field", new byte[] {1, 2, 3, 4, 5}, null, "truncated"),
                Arguments.of("header length larger than the file", file(64, "{}".getBytes(StandardCharsets.UTF_8)),
                        null, "larger than"),
                Arguments.of("100 MB header claim", file(100_000_001L, new byte[16]), null, "exceeds the limit"),
                Arguments.of("u64 header claim above Long.MAX_VALUE", file(-8L, new byte[16]), null,
                        "exceeds the limit"),
                Arguments.of("zero header length", file(0, new byte[8]), null, "too short"),
                Arguments.of("non-JSON header", file("hello world!", 0), null, "not a JSON object"),
                Arguments.of("JSON cut off", file("{\"a\":{\"dtype\":\"F32\",", 0), null, "not well-formed"),
                Arguments.of("invalid UTF-8", file(4, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}), null,
                        "UTF-8"),
                Arguments.of("trailing content after the object", file("{" + ok + "}xx", 8), null,
                        "not well-formed"),
                Arguments.of("header is a JSON array", file("[1,2]", 0), null, "not a JSON object"),
                Arguments.of("unknown dtype", file("{" + tensor("w", "F17", "[2]", 0, 8) + "}", 8), "w",
                        "unknown dtype 'F17'"),
                Arguments.of("shape does not match byte length", file("{" + tensor("w", "F32", "[3,4]", 0, 40)
                        + "}", 40), "w", "needs 48 bytes"),
                Arguments.of("offsets past the end of the data (truncated data)",
                        file("{" + tensor("w", "F32", "[4]", 0, 16) + "}", 12), "w", "run past the end"),
                Arguments.of("overlapping tensors", file("{" + tensor("a", "F32", "[2]", 0, 8) + ","
                        + tensor("b", "F32", "[2]", 4, 12) + "}", 12), "b", "overlap tensor 'a'"),
                Arguments.of("gap between tensors", file("{" + tensor("a", "F32", "[1]", 0, 4) + ","
                        + tensor("b", "F32", "[1]", 8, 12) + "}", 12), "b", "gap"),
                Arguments.of("bytes after the last tensor", file("{" + ok + "}", 12), null, "after the last tensor"),
                Arguments.of("negative dimension", file("{" + tensor("w", "F32", "[-2,2]", 0, 16) + "}", 16), "w",
                        "negative"),
                Arguments.of("fractional dimension", file("{" + tensor("w", "F32", "[2.5]", 0, 10) + "}", 10), "w",
                        "not an integer"),
                Arguments.of("end before begin", file("{" + tensor("w", "F32", "[0]", 8, 4) + "}", 8), "w",
                        "before begin"),
                Arguments.of("three data offsets", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],"
                        + "\"data_offsets\":[0,4,8]}}", 4), "w", "[begin, end]"),
                Arguments.of("missing dtype", file("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "w",
                        "lacks dtype"),
                Arguments.of("unknown field", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],"
                        + "\"stride\":[1]}}", 4), "w", "unknown field 'stride'"),
                Arguments.of("duplicate tensor name", file("{" + tensor("w", "F32", "[1]", 0, 4) + ","
                        + tensor("w", "F32", "[1]", 4, 8) + "}", 8), "w", "twice"),
                Arguments.of("shape element count overflows", file("{" + tensor("w", "F32",
                        "[4294967296,4294967296]", 0, 4) + "}", 4), "w", "more elements"),
                Arguments.of("metadata value not a string", file("{\"__metadata__\":{\"k\":1}," + ok + "}", 8),
                        null, "must be a string"),
                Arguments.of("entry is not an object", file("{\"w\":[1,2]}", 0), "w", "must be an object"),
                Arguments.of("torch.save zip archive", file(0x0403_4B50L, new byte[16]), null, "torch.save zip"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void isRejectedWithAClearMessage(String name, byte[] bytes, String tensor, String phrase) throws IOException {
        Path path = dir.resolve("bad.safetensors");
        if (name.equals("torch.save zip archive")) {
            bytes[0] = 'P';
            bytes[1] = 'K';
            bytes[2] = 3;
            bytes[3] = 4;
        }
        Files.write(path, bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(path).close());
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(phrase), "expected '" + phrase + "' in: " + e.getMessage());
        assertFalse(e.getMessage().contains("LENIENT"), "no advice to parse a corrupt file leniently: " + e.getMessage());
        assertEquals(path, e.file());
        assertEquals(Optional.ofNullable(tensor), e.tensor(), e.getMessage());
    }

    @Test
    void boolBytesOtherThanZeroAndOneAreRejectedOnRead() throws IOException {
        Path path = dir.resolve("bool.safetensors");
        byte[] bytes = file("{" + tensor("mask", "BOOL", "[3]", 0, 3) + "}", 3);
        bytes[bytes.length - 1] = 2;
        Files.write(path, bytes);
        try (NDManager m = NDManager.newBaseManager(); SafetensorsFile f = SafetensorsFile.open(path)) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> f.read("mask", m));
            assertTrue(e.getMessage().contains("'mask'") && e.getMessage().contains("holds byte 2"), e.getMessage());
        }
    }

    @Test
    void dtypesWithoutALosslessDjlTypeAreRefusedOnRead() throws IOException {
        Path path = dir.resolve("u64.safetensors");
        Files.write(path, file("{" + tensor("ids", "U64", "[1]", 0, 8) + "}", 8));
        try (NDManager m = NDManager.newBaseManager(); SafetensorsFile f = SafetensorsFile.open(path)) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> f.read("ids", m));
            assertTrue(e.getMessage().contains("U64") && e.getMessage().contains("'ids'"), e.getMessage());
        }
    }

    @Test
    void pickledFilesAreRefusedWithConversionInstructions() throws IOException {
        for (String name : new String[] {"pytorch_model.bin", "resnet18.pth", "model.pt", "last.ckpt"}) {
            Path path = dir.resolve(name);
            Files.write(path, new byte[] {(byte) 0x80, 2, 0x7d, 0x71});
            CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(path));
            assertTrue(e.getMessage().contains("pickled"), e.getMessage());
            assertTrue(e.getMessage().contains("from safetensors.torch import save_file"), e.getMessage());
            assertTrue(e.getMessage().contains("weights_only=True"), e.getMessage());
        }
    }

    @Test
    void aPickleRenamedToSafetensorsIsStillRefused() throws IOException {
        Path path = dir.resolve("renamed.safetensors");
        Files.write(path, new byte[] {(byte) 0x80, 4, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0});
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(path));
        assertTrue(e.getMessage().contains("Python pickle"), e.getMessage());
    }
}
