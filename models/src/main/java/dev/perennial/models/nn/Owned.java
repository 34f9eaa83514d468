package dev.perennial.models.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * The one place that turns Java memory into arrays, and copies arrays, so that every array owns its memory.
 *
 * <p>Why (DJL 0.36 with PyTorch, measured): {@code NDManager.create(float[])} and every other {@code create} from
 * a Java array or buffer copies the data into a Java direct buffer and wraps that buffer with
 * {@code torch::from_blob}: the tensor does not own its memory; only the Java {@code NDArray} object keeps the buffer
 * reachable. Views of such an array ({@code reshape}, {@code get}, {@code expandDims}, the tensors autograd saves
 * for the backward pass) point into the same buffer without keeping it reachable, so once the original array is
 * closed (its step ends, its manager closes) and the garbage collector frees the buffer, they read freed memory.
 * Likewise {@code toDevice(sameDevice, true)} and {@code toType(sameType, true)} return an alias, not a copy, and
 * {@code mul/div/add/sub(Number)} close their from-blob scalar before the backward pass reads it. Measured: a view
 * of a plain {@code create} array read garbage after the original's close and a collection at the first trial
 * ({@code OwnedTest}); LLaMA's SiLU through DJL's {@code swish} made LLaVA gradients depend on the collector
 * ({@code GcIndependentGradientsTest}); the optimizer state restored as an alias of a closed checkpoint manager
 * crashed mid-task resumes. (The CNN runs' "NaN gradient norm" stops were a libtorch convolution defect instead:
 * README, "Status".)
 *
 * <p>The rules, for the project and for plugin authors ({@code docs/plugin-authors.md}):
 * <ul>
 *   <li>make arrays from Java data with {@link #floats}, {@link #longs}, {@link #ints}, {@link #doubles},
 *       {@link #scalar} or {@link #of(NDManager, Buffer, Shape, DataType)}: the result is a libtorch-owned copy;
 *   <li>copy with {@link #copy} (never {@code toDevice(same, true)} or {@code toType(same, true)});
 *   <li>keep an array beyond its manager or step only as {@link #keep}: a copy attached to the keeping manager
 *       and removed from the step's scope;
 *   <li>constants on a differentiable path are arrays of the operand's manager ({@link Scalars}).
 * </ul>
 */
public final class Owned {
    private Owned() {}

    /**
     * An array that owns a copy of {@code data}.
     *
     * @param manager the manager the array belongs to
     * @param data the values, row-major
     * @param shape the shape; its size must equal {@code data.length}
     * @return the array
     */
    public static NDArray floats(NDManager manager, float[] data, Shape shape) {
        return of(manager, FloatBuffer.wrap(data), shape, DataType.FLOAT32);
    }

    /**
     * A one-dimensional array that owns a copy of {@code data}.
     *
     * @param manager the manager
     * @param data the values
     * @return the array
     */
    public static NDArray floats(NDManager manager, float[] data) {
        return floats(manager, data, new Shape(data.length));
    }

    /**
     * An int64 array that owns a copy of {@code data}.
     *
     * @param manager the manager
     * @param data the values, row-major
     * @param shape the shape
     * @return the array
     */
    public static NDArray longs(NDManager manager, long[] data, Shape shape) {
        return of(manager, LongBuffer.wrap(data), shape, DataType.INT64);
    }

    /**
     * A one-dimensional int64 array that owns a copy of {@code data}.
     *
     * @param manager the manager
     * @param data the values
     * @return the array
     */
    public static NDArray longs(NDManager manager, long[] data) {
        return longs(manager, data, new Shape(data.length));
    }

    /**
     * An int32 array that owns a copy of {@code data}.
     *
     * @param manager the manager
     * @param data the values, row-major
     * @param shape the shape
     * @return the array
     */
    public static NDArray ints(NDManager manager, int[] data, Shape shape) {
        return of(manager, IntBuffer.wrap(data), shape, DataType.INT32);
    }

    /**
     * A one-dimensional int32 array that owns a copy of {@code data}.
     *
     * @param manager the manager
     * @param data the values
     * @return the array
     */
    public static NDArray ints(NDManager manager, int[] data) {
        return ints(manager, data, new Shape(data.length));
    }

    /**
     * A float64 array that owns a copy of {@code data}.
     *
     * @param manager the manager
     * @param data the values, row-major
     * @param shape the shape
     * @return the array
     */
    public static NDArray doubles(NDManager manager, double[] data, Shape shape) {
        return of(manager, DoubleBuffer.wrap(data), shape, DataType.FLOAT64);
    }

    /**
     * A boolean array that owns a copy of {@code data}.
     *
     * @param manager the manager
     * @param data the flags, row-major
     * @param shape the shape
     * @return the array
     */
    public static NDArray booleans(NDManager manager, boolean[] data, Shape shape) {
        ByteBuffer b = ByteBuffer.allocate(data.length);
        for (boolean x : data) {
            b.put((byte) (x ? 1 : 0));
        }
        b.flip();
        return of(manager, b, shape, DataType.BOOLEAN);
    }

    /**
     * A 0-dimensional float32 array that owns its value.
     *
     * @param manager the manager
     * @param value the value
     * @return the array
     */
    public static NDArray scalar(NDManager manager, float value) {
        return of(manager, FloatBuffer.wrap(new float[] {value}), new Shape(), DataType.FLOAT32);
    }

    /**
     * An array of the given type that owns a copy of {@code data} (heap or direct, any position).
     *
     * @param manager the manager
     * @param data the values
     * @param shape the shape
     * @param type the element type
     * @return the array, on the manager's device
     */
    public static NDArray of(NDManager manager, Buffer data, Shape shape, DataType type) {
        NDArray wrapped = manager.create(data, shape, type);
        if (manager.getDevice().isGpu()) {
            // The engine copies to the GPU in native code; the result owns its memory.
            return wrapped;
        }
        NDArray owned = wrapped.duplicate();
        wrapped.close();
        return owned;
    }

    /**
     * A real copy of {@code array} in the same manager and on the same device ({@code duplicate()}, which clones;
     * {@code toDevice(sameDevice, true)} and {@code toType(sameType, true)} would alias).
     *
     * @param array the array
     * @return the copy
     */
    public static NDArray copy(NDArray array) {
        return array.duplicate();
    }

    /**
     * A real copy of {@code array} as {@code type}: {@code duplicate()} when it already has the type
     * ({@code toType(sameType, true)} would alias), else the converted array, which is new.
     *
     * @param array the array
     * @param type the element type
     * @return the copy, in {@code array}'s manager
     */
    public static NDArray copyAs(NDArray array, DataType type) {
        return array.getDataType() == type ? array.duplicate() : array.toType(type, false);
    }

    /**
     * A copy of {@code array} that belongs to {@code keeper}: attached to it and taken out of the current
     * {@link NDScope}, so that closing the step (its scope and manager) or the source's manager leaves it valid.
     *
     * @param array the array
     * @param keeper the manager that keeps the copy (a plugin's or optimizer's long-lived manager)
     * @return the kept copy, on {@code keeper}'s device
     */
    public static NDArray keep(NDArray array, NDManager keeper) {
        NDArray copy = array.getDevice().equals(keeper.getDevice()) ? array.duplicate()
                : array.toDevice(keeper.getDevice(), true);
        copy.attach(keeper);
        NDScope.unregister(copy);
        return copy;
    }

    /**
     * {@code array} on {@code device}: the same array when it is already there (an alias, documented as such),
     * else a copy. Use {@link #copy} where a copy is meant.
     *
     * @param array the array
     * @param device the device
     * @return the array on the device
     */
    public static NDArray onDevice(NDArray array, Device device) {
        return array.getDevice().equals(device) ? array : array.toDevice(device, false);
    }

    /**
     * {@code array} as {@code type}: the same array when it already has that type (an alias), else a converted
     * copy. Use {@link #copy} where a copy is meant.
     *
     * @param array the array
     * @param type the element type
     * @return the array with the type
     */
    public static NDArray as(NDArray array, DataType type) {
        return array.getDataType() == type ? array : array.toType(type, false);
    }
}
