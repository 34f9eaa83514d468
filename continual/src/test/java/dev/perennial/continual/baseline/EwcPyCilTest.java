package dev.perennial.continual.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.perennial.models.nn.Owned;
import org.junit.jupiter.api.Test;

/**
 * EWC as PyCIL's {@code models/ewc.py}: each task's Fisher is clamped at {@code fishermax} = 1e-4 and merged as
 * {@code α · F_old + (1 − α) · F_new} with {@code α = known / total} classes; λ = 1000.
 */
class EwcPyCilTest {

    @Test
    void defaultsArePyCils() {
        EwcProvider.Config c = new EwcProvider().defaultConfig();
        assertEquals(1000.0, c.lambda(), "PyCIL's lamda");
        assertEquals(1e-4, c.fisherMax(), "PyCIL's fishermax");
        assertEquals("weighted", c.fisherMerge(), "PyCIL's alpha-weighted merge");
        assertEquals("fisherMerge must be 'weighted' or 'sum', was 'max'", assertThrows(
                IllegalArgumentException.class, () -> new EwcProvider.Config(null, 1, 1, 0, "max")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EwcProvider.Config(null, 1, 1, -1, "sum"));
    }

    @Test
    void eachEntryOfATasksFisherIsClampedAtFisherMax() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray f = Owned.floats(m, new float[] {0f, 5e-5f, 1e-4f, 3e-4f, 2f});
            assertArrayEquals(new float[] {0f, 5e-5f, 1e-4f, 1e-4f, 1e-4f},
                    EwcProvider.clamp(f, 1e-4).toFloatArray(), 0f);
            NDArray g = Owned.floats(m, new float[] {0f, 2f});
            assertArrayEquals(new float[] {0f, 2f}, EwcProvider.clamp(g, 0).toFloatArray(), 0f, "0: no ceiling");
        }
    }

    @Test
    void theRunningFisherIsTheKnownShareOfTheOldPlusTheRestOfTheNew() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 2 classes known before the task, 4 after: alpha = 0.5
            NDArray running = Owned.floats(m, new float[] {4f, 0f, 2f});
            NDArray fresh = Owned.floats(m, new float[] {0f, 8f, 2f});
            EwcProvider.merge(running, fresh, 2.0 / 4, "weighted");
            assertArrayEquals(new float[] {2f, 4f, 2f}, running.toFloatArray(), 0f);
            assertArrayEquals(new float[] {0f, 8f, 2f}, fresh.toFloatArray(), 0f, "the task's Fisher is unchanged");
            // 6 known of 8: alpha = 0.75
            EwcProvider.merge(running, fresh, 6.0 / 8, "weighted");
            assertArrayEquals(new float[] {1.5f, 5f, 2f}, running.toFloatArray(), 1e-6f);
            EwcProvider.merge(running, fresh, 0.75, "sum");
            assertArrayEquals(new float[] {1.5f, 13f, 4f}, running.toFloatArray(), 1e-6f, "online EWC adds");
        }
    }
}
