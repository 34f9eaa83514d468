package dev.perennial.continual.ptm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.nn.ActivationFunction;
import dev.perennial.models.nn.Owned;
import java.util.Random;

/**
 * RanPAC's fixed random projection {@code r(x) = ReLU(φ(x) · W_rand)} with {@code W_rand ∈ R^{D×M}}, entries
 * i.i.d. N(0, 1), drawn once from a seed and never trained (safe.md §2.5).
 */
public final class RandomProjection implements AutoCloseable {
    private final NDArray weights;

    private RandomProjection(NDArray weights) {
        this.weights = weights;
    }

    /**
     * Draws {@code W_rand} on the Java side, so the same seed gives the same matrix on any engine and device.
     *
     * @param manager where the matrix lives
     * @param dim D
     * @param width M
     * @param seed the seed
     * @return the projection
     */
    public static RandomProjection sample(NDManager manager, int dim, int width, long seed) {
        if (dim <= 0 || width <= 0) {
            throw new IllegalArgumentException("random projection: D and M must be positive, were " + dim + " and "
                    + width);
        }
        Random random = new Random(seed);
        float[] w = new float[dim * width];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        return new RandomProjection(RidgeHead.kept(Owned.floats(manager, w, new Shape(dim, width))));
    }

    /**
     * Wraps a matrix restored from a checkpoint.
     *
     * @param weights (D, M)
     * @return the projection
     */
    public static RandomProjection of(NDArray weights) {
        if (weights.getShape().dimension() != 2) {
            throw new IllegalArgumentException("random projection must be (D, M), got " + weights.getShape());
        }
        return new RandomProjection(RidgeHead.kept(weights));
    }

    /** @return W_rand, (D, M) */
    public NDArray weights() {
        return weights;
    }

    /** @return M */
    public int width() {
        return (int) weights.getShape().get(1);
    }

    /**
     * {@code ReLU(features · W_rand)}.
     *
     * @param features (B, D)
     * @return (B, M)
     */
    public NDArray project(NDArray features) {
        if (features.getShape().dimension() != 2 || features.getShape().get(1) != weights.getShape().get(0)) {
            throw new IllegalArgumentException("random projection: features must be (B, " + weights.getShape().get(0)
                    + "), got " + features.getShape());
        }
        return ActivationFunction.RELU.apply(features.matMul(weights.toDevice(features.getDevice(), false)));
    }

    @Override
    public void close() {
        weights.close();
    }
}
