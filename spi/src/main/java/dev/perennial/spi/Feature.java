package dev.perennial.spi;

import java.util.Arrays;

/**
 * One named tensor of one example, held on the Java heap until the loop batches it.
 * Decoding happens off the training thread, so a feature is plain arrays, never an {@code NDArray}.
 */
public sealed interface Feature permits Feature.Floats, Feature.Longs {

    /**
     * The shape of this feature (without the batch axis).
     *
     * @return the shape
     */
    long[] shape();

    /**
     * float32 values in row-major order.
     *
     * @param values the values
     * @param shape their shape; the product must equal {@code values.length}
     */
    record Floats(float[] values, long[] shape) implements Feature {
        /** Checks the length against the shape. */
        public Floats {
            checkSize(values.length, shape);
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }
    }

    /**
     * int64 values (token ids, indices) in row-major order.
     *
     * @param values the values
     * @param shape their shape; the product must equal {@code values.length}
     */
    record Longs(long[] values, long[] shape) implements Feature {
        /** Checks the length against the shape. */
        public Longs {
            checkSize(values.length, shape);
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }
    }

    private static void checkSize(int length, long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != length) {
            throw new IllegalArgumentException("feature has " + length + " values but shape "
                    + Arrays.toString(shape) + " holds " + n);
        }
    }
}
