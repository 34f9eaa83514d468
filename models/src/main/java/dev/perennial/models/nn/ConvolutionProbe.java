package dev.perennial.models.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;

/**
 * A tiny backward pass through one or two 3×3 convolutions on a 32×3×16×16 batch, and the PyTorch engine's
 * intra-op thread count: what the loop's CPU kernel check and {@code benchmarks memory.ConvBackwardThreads} use to
 * see whether libtorch's CPU convolution backward gives the same first-layer gradient on one thread as on several
 * (on AVX-512 AMD EPYC processors it did not; README, "Status").
 */
public final class ConvolutionProbe {
    /** The first layer's weight has this many values: 4 filters of 3×3 over 3 channels. */
    public static final int FIRST_WEIGHTS = 4 * 3 * 3 * 3;
    /** The second layer's weight has this many values: 4 filters of 3×3 over 4 channels. */
    public static final int SECOND_WEIGHTS = 4 * 4 * 3 * 3;
    /** The input batch has this many values: 32 × 3 × 16 × 16. */
    public static final int INPUT_VALUES = 32 * 3 * 16 * 16;

    /** The networks the probe runs. */
    public enum Network {
        /** One convolution. */
        CONV("conv"),
        /** Convolution → ReLU → 2×2 max-pool. */
        CONV_RELU_POOL("conv-relu-pool"),
        /** Two stacked convolutions. */
        CONV_CONV("conv-conv"),
        /** Convolution → ReLU → 2×2 max-pool → convolution. */
        CONV_RELU_POOL_CONV("conv-relu-pool-conv");

        private final String label;

        Network(String label) {
            this.label = label;
        }

        /**
         * The network's name in tables and JSON.
         *
         * @return e.g. {@code conv-conv}
         */
        public String label() {
            return label;
        }
    }

    private ConvolutionProbe() {}

    /**
     * The gradient of {@code mean(out²)} with respect to the first convolution's weight, on the CPU.
     *
     * @param network the network
     * @param first the first weight, {@link #FIRST_WEIGHTS} values
     * @param second the second weight, {@link #SECOND_WEIGHTS} values (unused by one-convolution networks)
     * @param input the batch, {@link #INPUT_VALUES} values
     * @return the gradient, {@link #FIRST_WEIGHTS} values
     */
    public static float[] firstLayerGradient(Network network, float[] first, float[] second, float[] input) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray w1 = Owned.floats(m, first, new Shape(4, 3, 3, 3));
            NDArray w2 = Owned.floats(m, second, new Shape(4, 4, 3, 3));
            w1.setRequiresGradient(true);
            NDArray x = Owned.floats(m, input, new Shape(32, 3, 16, 16));
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray h = conv(x, w1);
                if (network == Network.CONV_RELU_POOL || network == Network.CONV_RELU_POOL_CONV) {
                    h = Pool.maxPool2d(Activation.relu(h), new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
                }
                if (network == Network.CONV_CONV || network == Network.CONV_RELU_POOL_CONV) {
                    h = conv(h, w2);
                }
                c.backward(h.square().mean());
            }
            return w1.getGradient().toFloatArray();
        }
    }

    private static NDArray conv(NDArray x, NDArray w) {
        return Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow();
    }

    /**
     * Values drawn uniformly from [−bound, bound).
     *
     * @param random the stream
     * @param n how many
     * @param bound the half-width
     * @return the values
     */
    public static float[] uniform(SplittableRandom random, int n, float bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextDouble(-bound, bound);
        }
        return v;
    }

    /**
     * The PyTorch engine's intra-op thread count.
     *
     * @return the count, or -1 when the engine is not PyTorch
     */
    public static int intraOpThreads() {
        Engine.getInstance(); // loads libtorch before its JNI functions are called
        try {
            return (Integer) Class.forName("ai.djl.pytorch.jni.JniUtils").getMethod("getNumThreads").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return -1;
        }
    }

    /**
     * Sets the PyTorch engine's intra-op thread count.
     *
     * @param n the count
     * @throws IllegalStateException when the engine is not PyTorch
     */
    public static void intraOpThreads(int n) {
        Engine.getInstance();
        try {
            Class.forName("ai.djl.pytorch.jni.JniUtils").getMethod("setNumThreads", int.class).invoke(null, n);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot set libtorch's thread count: " + e, e);
        }
    }
}
