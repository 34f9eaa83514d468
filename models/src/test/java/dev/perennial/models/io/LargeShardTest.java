package dev.perennial.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shard larger than 2 GiB (a sparse file, so the test writes only a few bytes): a tensor stored past the
 * 2 GiB offset is read through a mapping of its own region, and a single tensor too large for one DJL array is
 * refused with a clear message instead of failing in native code.
 */
class LargeShardTest {
    private static final long BIG_BYTES = 3L << 30;

    @TempDir
    Path dir;

    private Path sparseShard() throws IOException {
        String header = "{\"big\":{\"dtype\":\"F32\",\"shape\":[" + BIG_BYTES / 4 + "],\"data_offsets\":[0,"
                + BIG_BYTES + "]},\"tail\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[" + BIG_BYTES + ","
                + (BIG_BYTES + 16) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path path = dir.resolve("model-00001-of-00001.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            f.write(h);
            f.seek(8 + h.length + BIG_BYTES);
            ByteBuffer tail = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            tail.putFloat(1.5f).putFloat(-2f).putFloat(3.25f).putFloat(0f);
            f.write(tail.array());
        }
        return path;
    }

    @Test
    void aTensorPastTheTwoGigabyteOffsetReadsInBothAccessModes() throws IOException {
        Path shard = sparseShard();
        for (SafetensorsFile.Access access : SafetensorsFile.Access.values()) {
            try (NDManager m = NDManager.newBaseManager(); SafetensorsFile f = SafetensorsFile.open(shard, access)) {
                assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 0f}, f.read("tail", m).toFloatArray(),
                        access.toString());
            }
        }
    }

    @Test
    void aSingleTensorOverTwoGigabytesIsRefusedClearly() throws IOException {
        try (NDManager m = NDManager.newBaseManager(); SafetensorsFile f = SafetensorsFile.open(sparseShard())) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> f.read("big", m));
            assertTrue(e.getMessage().contains("'big'") && e.getMessage().contains("2 GiB"), e.getMessage());
        }
    }
}
