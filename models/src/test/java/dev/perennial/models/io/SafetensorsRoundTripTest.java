package dev.perennial.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SafetensorsRoundTripTest {
    private static NDManager manager;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private Map<String, NDArray> everyWritableType(NDManager m) {
        Map<String, NDArray> t = new LinkedHashMap<>();
        t.put("layer.weight", m.arange(12f).reshape(3, 4).div(7f));
        t.put("f64", m.create(new double[] {Math.PI, -1e300, 0.0}));
        t.put("f16", m.create(new float[] {0.5f, -2f, 1024f, 0.1f}).toType(DataType.FLOAT16, false));
        t.put("i64", m.create(new long[] {Long.MAX_VALUE, -1L, 0L}));
        t.put("i32", m.create(new int[] {Integer.MIN_VALUE, 7, 0, 3}).reshape(2, 2));
        t.put("i8", m.create(new byte[] {-128, 127, 0}));
        t.put("u8", m.create(new byte[] {(byte) 255, 1, 0}).toType(DataType.UINT8, false));
        t.put("bool", m.create(new boolean[] {true, false, true}));
        t.put("scalar", m.create(2.5f));
        t.put("empty", m.zeros(new Shape(0, 3)));
        return t;
    }

    @ParameterizedTest
    @EnumSource(SafetensorsFile.Access.class)
    void everyWritableTypeRoundTripsWithNamesShapesAndValues(SafetensorsFile.Access access) throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Map<String, NDArray> in = everyWritableType(m);
            Path file = dir.resolve("all.safetensors");
            SafetensorsWriter.write(file, in);
            try (SafetensorsFile f = SafetensorsFile.open(file, access)) {
                assertEquals(List.copyOf(in.keySet()), List.copyOf(f.names()));
                for (Map.Entry<String, NDArray> e : in.entrySet()) {
                    NDArray out = f.read(e.getKey(), m);
                    assertEquals(e.getKey(), out.getName());
                    assertEquals(e.getValue().getDataType(), out.getDataType(), e.getKey());
                    assertEquals(e.getValue().getShape(), out.getShape(), e.getKey());
                    assertArrayEquals(e.getValue().toByteArray(), out.toByteArray(), e.getKey());
                }
            }
        }
    }

    @Test
    void headerMatchesTheFormatExample() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Path file = dir.resolve("w.safetensors");
            SafetensorsWriter.write(file, Map.of("layer.weight", m.zeros(new Shape(3, 4))));
            byte[] bytes = Files.readAllBytes(file);
            long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, n % 8, "header padded to 8 bytes");
            String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8).trim();
            assertEquals("{\"layer.weight\":{\"dtype\":\"F32\",\"shape\":[3,4],\"data_offsets\":[0,48]}}", header);
            assertEquals(8 + n + 48, bytes.length);
        }
    }

    @Test
    void bf16IsWidenedToF32InJava() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Path file = dir.resolve("bf16.safetensors");
            // djl-notes J1: BF16 [0, 1, 2, 3] reads back as F32 [0, 1, 2, 3]; plus -2 and 1.5 written as raw bits.
            SafetensorsWriter.create()
                    .addAsBf16("a", m.create(new float[] {0f, 1f, 2f, 3f}))
                    .addRaw("b", SafetensorsDType.BF16, new Shape(2), new byte[] {0x00, (byte) 0xC0, (byte) 0xC0, 0x3F})
                    .write(file);
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                assertEquals(SafetensorsDType.BF16, f.info("a").dtype());
                NDArray a = f.read("a", m);
                assertEquals(DataType.FLOAT32, a.getDataType());
                assertArrayEquals(new float[] {0f, 1f, 2f, 3f}, a.toFloatArray());
                assertArrayEquals(new float[] {-2f, 1.5f}, f.read("b", m).toFloatArray());
            }
        }
    }

    @Test
    void bf16NarrowingRoundsToNearestEven() {
        // 1 + 2^-8 lies exactly between two bf16 values (1 and 1 + 2^-7): ties go to the even mantissa, 1.0.
        assertEquals((short) 0x3F80, SafetensorsWriter.toBf16(1f + 0x1p-8f));
        // 1 + 3 * 2^-8 ties between 1 + 2^-7 (odd) and 1 + 2^-6 (even): rounds up.
        assertEquals((short) 0x3F82, SafetensorsWriter.toBf16(1f + 3 * 0x1p-8f));
        assertEquals((short) 0x7FC0, SafetensorsWriter.toBf16(Float.NaN));
    }

    @Test
    void narrowIntegerTypesAreWidenedLosslessly() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            ByteBuffer i16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) -3).putShort((short) 300);
            ByteBuffer u16 = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0xFFFF);
            ByteBuffer u32 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0xFFFFFFFF);
            Path file = dir.resolve("ints.safetensors");
            SafetensorsWriter.create()
                    .addRaw("i16", SafetensorsDType.I16, new Shape(2), i16.array())
                    .addRaw("u16", SafetensorsDType.U16, new Shape(1), u16.array())
                    .addRaw("u32", SafetensorsDType.U32, new Shape(1), u32.array())
                    .write(file);
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                NDArray a = f.read("i16", m);
                assertEquals(DataType.INT32, a.getDataType());
                assertArrayEquals(new int[] {-3, 300}, a.toIntArray());
                assertArrayEquals(new int[] {65535}, f.read("u16", m).toIntArray());
                NDArray c = f.read("u32", m);
                assertEquals(DataType.INT64, c.getDataType());
                assertArrayEquals(new long[] {4294967295L}, c.toLongArray());
            }
        }
    }

    @Test
    void metadataRoundTrips() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Path file = dir.resolve("meta.safetensors");
            SafetensorsWriter.create().add("x", m.ones(new Shape(2))).metadata("format", "pt")
                    .metadata("quote\"key", "é").write(file);
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                assertEquals(Map.of("format", "pt", "quote\"key", "é"), f.metadata());
                assertEquals(List.of("x"), List.copyOf(f.names()));
            }
        }
    }

    @Test
    void memoryMapAccessMapsTheFileAndReadAccessDoesNot() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Path file = dir.resolve("mm.safetensors");
            SafetensorsWriter.write(file, Map.of("w", m.arange(1000f)));
            try (SafetensorsFile mapped = SafetensorsFile.open(file);
                    SafetensorsFile read = SafetensorsFile.open(file, SafetensorsFile.Access.READ)) {
                assertEquals(SafetensorsFile.Access.MEMORY_MAP, mapped.access());
                // A read-only mapping of the file versus a private, writable copy.
                assertTrue(mapped.region(mapped.info("w")).isReadOnly());
                assertFalse(read.region(read.info("w")).isReadOnly());
                NDArray fromMap = mapped.read("w", m);
                // The tensor owns its memory: writing to it must not touch the read-only mapping.
                fromMap.addi(1f);
                assertEquals(1f, fromMap.getFloat(0));
                assertArrayEquals(m.arange(1000f).toFloatArray(), read.read("w", m).toFloatArray());
            }
        }
    }

    @Test
    void arraysStayValidAfterTheFileIsClosed() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Path file = dir.resolve("c.safetensors");
            SafetensorsWriter.write(file, Map.of("w", m.arange(16f)));
            NDList all;
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                all = f.readAll(m);
            }
            System.gc();
            assertEquals(120f, all.get("w").sum().getFloat());
        }
    }

    @Test
    void writerReplacesAnExistingFileAtomically() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Path file = dir.resolve("r.safetensors");
            SafetensorsWriter.write(file, Map.of("a", m.ones(new Shape(4))));
            SafetensorsWriter.write(file, Map.of("b", m.zeros(new Shape(2))));
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                assertEquals(List.of("b"), List.copyOf(f.names()));
            }
            try (var files = Files.list(dir)) {
                assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")), "no temporary file left");
            }
        }
    }

    @Test
    void torchWrittenFileDecodesWithNamesDtypesAndValues() throws IOException {
        // Written by tools/goldens/cnn_goldens.py through torch (tensor values listed in the script).
        Path file = Path.of("src/test/resources/goldens/io/torch_dtypes.safetensors");
        try (NDManager m = manager.newSubManager(); SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(List.of("f32", "f16", "bf16", "i64", "i32", "u8", "bool", "f64"), List.copyOf(f.names()));
            assertArrayEquals(new float[] {0f, 1f, 2f, 3f}, f.read("bf16", m).toFloatArray());
            assertArrayEquals(new float[] {0.5f, -1.25f, 3f}, f.read("f32", m).toFloatArray());
            assertEquals(DataType.FLOAT16, f.read("f16", m).getDataType());
            assertArrayEquals(new float[] {0.5f, -1.25f, 3f},
                    f.read("f16", m).toType(DataType.FLOAT32, false).toFloatArray());
            assertArrayEquals(new long[] {-5L, 1L << 40}, f.read("i64", m).toLongArray());
            assertArrayEquals(new int[] {7, -7}, f.read("i32", m).toIntArray());
            assertArrayEquals(new byte[] {(byte) 200, 3}, f.read("u8", m).toByteArray());
            assertArrayEquals(new boolean[] {true, false}, f.read("bool", m).toBooleanArray());
            assertArrayEquals(new double[] {Math.E}, f.read("f64", m).toDoubleArray());
            assertEquals(new Shape(2, 1), f.shape("i64"));
        }
    }
}
