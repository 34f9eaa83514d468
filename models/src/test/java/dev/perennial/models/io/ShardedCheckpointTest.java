package dev.perennial.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedCheckpointTest {
    private NDManager manager;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        manager = NDManager.newBaseManager();
        SafetensorsWriter.create().add("a", manager.arange(4f)).add("b", manager.ones(new Shape(2, 2)))
                .write(dir.resolve("model-00001-of-00002.safetensors"));
        SafetensorsWriter.create().addAsBf16("c", manager.create(new float[] {1f, 2f}))
                .write(dir.resolve("model-00002-of-00002.safetensors"));
    }

    @AfterEach
    void stop() {
        manager.close();
    }

    private Path index(String weightMap) throws IOException {
        return Files.writeString(dir.resolve(Checkpoints.INDEX_FILE),
                "{\"metadata\":{\"total_size\":32},\"weight_map\":{" + weightMap + "}}");
    }

    private static final String GOOD = "\"a\":\"model-00001-of-00002.safetensors\","
            + "\"b\":\"model-00001-of-00002.safetensors\",\"c\":\"model-00002-of-00002.safetensors\"";

    @Test
    void aDirectoryWithAnIndexReadsEveryShard() throws IOException {
        index(GOOD);
        try (TensorSource ckpt = Checkpoints.open(dir)) {
            ShardedCheckpoint sharded = assertInstanceOf(ShardedCheckpoint.class, ckpt);
            assertEquals(2, sharded.shards().size());
            assertEquals(List.of("a", "b", "c"), List.copyOf(ckpt.names()));
            assertEquals(new Shape(2, 2), ckpt.shape("b"));
            assertArrayEquals(new float[] {0f, 1f, 2f, 3f}, ckpt.read("a", manager).toFloatArray());
            assertArrayEquals(new float[] {1f, 2f}, ckpt.read("c", manager).toFloatArray());
            assertEquals(List.of(), sharded.unlistedTensors());
        }
    }

    @Test
    void aTensorAbsentFromItsShardIsNamed() throws IOException {
        index(GOOD + ",\"d\":\"model-00002-of-00002.safetensors\"");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(dir));
        assertTrue(e.getMessage().contains("'d'") && e.getMessage().contains("no such tensor"), e.getMessage());
    }

    @Test
    void aMissingShardIsNamed() throws IOException {
        index("\"a\":\"model-00003-of-00003.safetensors\"");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(dir));
        assertTrue(e.getMessage().contains("model-00003-of-00003.safetensors"), e.getMessage());
    }

    @Test
    void shardPathsCannotLeaveTheDirectory() throws IOException {
        index("\"a\":\"../model-00001-of-00002.safetensors\"");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(dir));
        assertTrue(e.getMessage().contains("plain file name"), e.getMessage());
    }

    @Test
    void pickledShardsAreRefused() throws IOException {
        index("\"a\":\"pytorch_model-00001-of-00002.bin\"");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(dir));
        assertTrue(e.getMessage().contains("save_file"), e.getMessage());
    }

    @Test
    void anIndexWithoutWeightMapOrNotJsonIsRejected() throws IOException {
        Files.writeString(dir.resolve(Checkpoints.INDEX_FILE), "{\"metadata\":{}}");
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoints.open(dir)).getMessage()
                .contains("weight_map"));
        Files.writeString(dir.resolve(Checkpoints.INDEX_FILE), "{\"weight_map\": {\"a\": ");
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoints.open(dir)).getMessage()
                .contains("not well-formed JSON"));
    }

    @Test
    void aDirectoryOfSeveralFilesWithoutIndexIsAmbiguous() {
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(dir));
        assertTrue(e.getMessage().contains("2 .safetensors files"), e.getMessage());
    }

    @Test
    void aDirectoryWithOnlyAPickledCheckpointExplainsHowToConvert() throws IOException {
        Path hf = Files.createDirectory(dir.resolve("hf"));
        Files.write(hf.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(hf));
        assertTrue(e.getMessage().contains("pytorch_model.bin") && e.getMessage().contains("save_file"));
    }

    @Test
    void singleFileDirectoryOpensItsModelFile() throws IOException {
        Path one = Files.createDirectory(dir.resolve("one"));
        SafetensorsWriter.write(one.resolve(Checkpoints.SINGLE_FILE), Map.of("w", manager.ones(new Shape(3))));
        try (TensorSource ckpt = Checkpoints.open(one)) {
            assertEquals(List.of("w"), List.copyOf(ckpt.names()));
        }
    }
}
