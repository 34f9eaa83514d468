package dev.perennial.api.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checksums in the manifest, and the fall-back from a corrupt newest checkpoint to the newest intact one. */
class CheckpointStoreTest {
    @TempDir
    Path run;

    private CheckpointStore store;
    private final List<String> warnings = new ArrayList<>();

    /** Writes step-5, then task-0 (step 10, the newest, named by LATEST). */
    private void writeTwo() {
        store = new CheckpointStore(run);
        try (NDManager m = NDManager.newBaseManager()) {
            for (int step : new int[] {5, 10}) {
                NDArray w = m.arange(0f, 4096f).mul(step);
                NDArray v = m.zeros(new ai.djl.ndarray.types.Shape(16));
                CheckpointManifest manifest = new CheckpointManifest(CheckpointManifest.FORMAT, 1, step == 10 ? 1 : 0,
                        0, step, step, step, List.of(), new double[0], List.of(), 0, List.of(), "model.safetensors",
                        "optimizer.safetensors", Map.of(), null, Map.of("total", 1.0), Map.of(), List.of());
                store.write(step == 10 ? "task-0" : "step-5", manifest,
                        Map.of("model.safetensors", Map.of("w", w), "optimizer.safetensors", Map.of("v", v)));
            }
        }
    }

    private Path newest() {
        return run.resolve("checkpoints/task-0");
    }

    @Test
    void anIntactNewestCheckpointIsChosenWithoutWarnings() {
        writeTwo();
        assertEquals(newest(), store.latest(warnings::add).orElseThrow());
        assertTrue(warnings.isEmpty(), warnings.toString());
        assertTrue(store.verify(newest()).isEmpty());
    }

    @Test
    void flippedLowOrderBitsInTheModelFallBackToTheOlderCheckpoint() throws Exception {
        writeTwo();
        Path model = newest().resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(model);
        // 100 low-order bits flipped in the data: the header still parses and the values change only slightly.
        for (int i = 0; i < 100; i++) {
            bytes[bytes.length - 1 - 4 * i - 3] ^= 1;
        }
        Files.write(model, bytes);
        assertEquals(run.resolve("checkpoints/step-5"), store.latest(warnings::add).orElseThrow());
        String all = String.join("\n", warnings);
        assertTrue(all.contains(model.toString()) && all.contains("checksum"), all);
        assertTrue(all.contains("resuming from " + run.resolve("checkpoints/step-5")), all);
    }

    @Test
    void aTruncatedFileIsReportedAsTruncated() throws Exception {
        writeTwo();
        Path optimizer = newest().resolve("optimizer.safetensors");
        byte[] bytes = Files.readAllBytes(optimizer);
        Files.write(optimizer, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertEquals(run.resolve("checkpoints/step-5"), store.latest(warnings::add).orElseThrow());
        assertTrue(warnings.get(0).contains(optimizer.toString()) && warnings.get(0).contains("truncated"),
                warnings.toString());
    }

    @Test
    void aBrokenManifestFallsBack() throws Exception {
        writeTwo();
        Files.writeString(newest().resolve("manifest.json"), "{\"formatVersion\": 2, \"runSe");
        assertEquals(run.resolve("checkpoints/step-5"), store.latest(warnings::add).orElseThrow());
        assertTrue(warnings.get(0).contains("manifest.json"), warnings.toString());
    }

    @Test
    void noIntactCheckpointIsAOneLineError() throws Exception {
        writeTwo();
        for (String tag : List.of("task-0", "step-5")) {
            Path model = run.resolve("checkpoints").resolve(tag).resolve("model.safetensors");
            byte[] bytes = Files.readAllBytes(model);
            bytes[bytes.length - 1] ^= (byte) 0xff;
            Files.write(model, bytes);
        }
        CheckpointException e = assertThrows(CheckpointException.class, () -> store.latest(warnings::add));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith("no intact checkpoint in " + run.resolve("checkpoints")), e.getMessage());
        assertTrue(e.getMessage().contains("task-0/model.safetensors") && e.getMessage().contains("step-5"),
                e.getMessage());
    }

    @Test
    void aMissingLatestFileStillFindsTheCheckpoints() throws Exception {
        writeTwo();
        Files.delete(run.resolve("checkpoints/LATEST"));
        assertEquals(newest(), store.latest(warnings::add).orElseThrow());
    }

    @Test
    void aRunWithoutCheckpointsHasNone() {
        assertTrue(new CheckpointStore(run).latest(warnings::add).isEmpty());
    }
}
