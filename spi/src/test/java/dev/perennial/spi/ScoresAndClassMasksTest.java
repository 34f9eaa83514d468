package dev.perennial.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SPI 1.6: {@link Predictions#ofScores(NDArray)}, {@link PluginState#classes}, {@link PluginState#classMask} and
 * {@link PluginState#requireSchema}.
 */
class ScoresAndClassMasksTest {

    @Test
    void scoresFromATensorAreRowsOfItsValuesAndOutliveItsManager() {
        Predictions p;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(new float[] {0.1f, 0.7f, 0.2f, 0.5f, 0.25f, 0.25f}, new Shape(2, 3));
            p = Predictions.ofScores(z);
            assertTrue(!z.isReleased(), "the tensor is not closed");
        }
        System.gc();
        float[][] s = p.scores().orElseThrow();
        assertArrayEquals(new float[] {0.1f, 0.7f, 0.2f}, s[0]);
        assertArrayEquals(new float[] {0.5f, 0.25f, 0.25f}, s[1]);
        assertArrayEquals(new long[] {1, 0}, p.classes().orElseThrow());
    }

    @Test
    void scoresFromAHalfPrecisionTensorAreFloat32() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(new float[] {1, 3, 2, -1}, new Shape(2, 2)).toType(DataType.FLOAT16, false);
            Predictions p = Predictions.ofScores(z);
            assertArrayEquals(new float[] {2, -1}, p.scores().orElseThrow()[1]);
            assertArrayEquals(new long[] {1, 0}, p.classes().orElseThrow());
            assertEquals(DataType.FLOAT16, z.getDataType(), "the tensor is left as it is");
        }
    }

    @Test
    void scoresNeedTwoDimensions() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray v = m.create(new float[] {1, 2, 3});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Predictions.ofScores(v));
            assertTrue(e.getMessage().contains("samples × classes") && e.getMessage().contains("(3)"),
                    e.getMessage());
        }
    }

    @Test
    void classMasksRoundTripThroughTheStateValues() {
        boolean[] mask = {false, true, true, false, true};
        List<Integer> ids = PluginState.classes(mask);
        assertEquals(List.of(1, 2, 4), ids);
        PluginState state = new PluginState(1, Map.of(), Map.of("seen", ids, "fromJson", List.of(0L, 3.0)));
        assertArrayEquals(mask, state.classMask("seen", 5));
        assertArrayEquals(new boolean[] {true, false, false, true}, state.classMask("fromJson", 4),
                "JSON numbers of any type");
        assertArrayEquals(new boolean[3], state.classMask("absent", 3), "a missing value is an empty mask");
        assertEquals(List.of(), PluginState.classes(new boolean[2]));
    }

    @Test
    void aClassMaskOutsideTheClassesOrNotAListIsRefusedNamingTheValue() {
        PluginState state = new PluginState(1, Map.of(),
                Map.of("big", List.of(1, 7), "negative", List.of(-1), "half", List.of(1.5), "text", "1,2",
                        "word", List.of("one")));
        for (String name : List.of("big", "negative", "half", "word")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> state.classMask(name, 5));
            assertTrue(e.getMessage().contains("'" + name + "'") && e.getMessage().contains("0..4"), e.getMessage());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> state.classMask("text", 5));
        assertTrue(e.getMessage().contains("'text'") && e.getMessage().contains("not a list of class ids"),
                e.getMessage());
    }

    @Test
    void aStateOfAnotherSchemaIsRefusedNamingThePluginAndTheReadableVersions() {
        PluginState old = PluginState.empty(1);
        old.requireSchema("probe", 2, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> old.requireSchema("probe", 2));
        assertEquals("probe: the checkpointed state has schema version 1; this version of probe reads 2 (a checkpoint"
                + " of another version)", e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> PluginState.empty(4).requireSchema("probe", 3, 2));
        assertTrue(e.getMessage().contains("reads 3 or 2"), e.getMessage());
    }
}
