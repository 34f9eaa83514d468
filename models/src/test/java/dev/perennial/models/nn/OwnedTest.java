package dev.perennial.models.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Owned}'s arrays own their memory: a view kept past the original's close and a garbage collection reads
 * the right values, a copy is a copy, a kept array survives its step's scope and the source's manager. With
 * {@code step.create(VALUES, shape)} in place of {@link Owned#floats} the first test read garbage at trial 0.
 */
class OwnedTest {
    private static final float[] VALUES = {1f, 2f, 3f, 4f, 5f, 6f};

    @Test
    void aViewOfAnOwnedArrayOutlivesTheOriginalAndACollection() {
        try (NDManager keeper = NDManager.newBaseManager()) {
            for (int trial = 0; trial < 20; trial++) {
                NDArray view;
                try (NDManager step = keeper.newSubManager()) {
                    NDArray original = Owned.floats(step, VALUES, new Shape(6));
                    view = original.reshape(2, 3);
                    view.attach(keeper);
                    original.close();
                }
                GcStress.collect();
                poisonFreedDirectMemory();
                assertArrayEquals(VALUES, view.toFloatArray(), "trial " + trial);
                view.close();
            }
        }
    }

    @Test
    void copyIsACopyWhileToDeviceOnTheSameDeviceAliases() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray source = Owned.floats(manager, VALUES);
            NDArray copy = Owned.copy(source);
            NDArray alias = source.toDevice(source.getDevice(), true);
            source.addi(100f);
            assertArrayEquals(VALUES, copy.toFloatArray(), "Owned.copy must not follow its source");
            // DJL 0.36's documented-as-copy call returns an alias: the reason Owned.copy exists.
            assertEquals(101f, alias.toFloatArray()[0], "toDevice(same, true) aliased its source");
        }
    }

    @Test
    void keptArraysSurviveTheScopeAndTheSourceManager() {
        try (NDManager keeper = NDManager.newBaseManager()) {
            List<NDArray> kept = new ArrayList<>();
            for (int trial = 0; trial < 20; trial++) {
                try (NDManager step = keeper.newSubManager(); NDScope scope = new NDScope()) {
                    NDArray source = Owned.floats(step, VALUES).mul(Owned.scalar(step, 2f));
                    kept.add(Owned.keep(source, keeper));
                    source.addi(1000f);
                }
                GcStress.collect();
                poisonFreedDirectMemory();
            }
            for (NDArray k : kept) {
                assertTrue(!k.isReleased(), "the keeper owns the copy");
                assertArrayEquals(new float[] {2f, 4f, 6f, 8f, 10f, 12f}, k.toFloatArray());
                assertEquals(keeper, k.getManager());
            }
        }
    }

    @Test
    void everyFactoryKeepsValuesShapeAndType() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray l = Owned.longs(manager, new long[] {7, 8, 9, 10}, new Shape(2, 2));
            assertEquals(DataType.INT64, l.getDataType());
            assertEquals(new Shape(2, 2), l.getShape());
            assertArrayEquals(new long[] {7, 8, 9, 10}, l.toLongArray());
            NDArray i = Owned.ints(manager, new int[] {3, 4});
            assertEquals(DataType.INT32, i.getDataType());
            assertArrayEquals(new int[] {3, 4}, i.toIntArray());
            NDArray d = Owned.doubles(manager, new double[] {0.5, 1.5}, new Shape(2));
            assertEquals(DataType.FLOAT64, d.getDataType());
            assertArrayEquals(new double[] {0.5, 1.5}, d.toDoubleArray());
            NDArray b = Owned.booleans(manager, new boolean[] {true, false, true}, new Shape(3));
            assertEquals(DataType.BOOLEAN, b.getDataType());
            assertArrayEquals(new boolean[] {true, false, true}, b.toBooleanArray());
            NDArray s = Owned.scalar(manager, 2.5f);
            assertEquals(new Shape(), s.getShape());
            assertEquals(2.5f, s.getFloat());
            ByteBuffer direct = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
            direct.putFloat(1f).putFloat(2f).flip();
            NDArray o = Owned.of(manager, direct, new Shape(2), DataType.FLOAT32);
            direct.putFloat(0, -1f);
            assertArrayEquals(new float[] {1f, 2f}, o.toFloatArray(), "Owned.of copies the buffer");
            NDArray same = Owned.as(o, DataType.FLOAT32);
            assertTrue(same == o, "as() of the same type is the array itself");
            assertEquals(DataType.FLOAT64, Owned.as(o, DataType.FLOAT64).getDataType());
            assertTrue(Owned.onDevice(o, o.getDevice()) == o);
        }
    }

    /** Allocates and fills direct buffers, so that memory freed by the collection holds other values. */
    private static void poisonFreedDirectMemory() {
        List<ByteBuffer> churn = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(24).order(ByteOrder.nativeOrder());
            for (int j = 0; j < 6; j++) {
                b.putFloat(j * 4, Float.NaN);
            }
            churn.add(b);
        }
        churn.clear();
    }
}
