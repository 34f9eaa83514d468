package dev.perennial.api.internal;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import dev.perennial.models.nn.Owned;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Checks once per JVM that libtorch's multi-threaded CPU convolution backward pass gives the gradients its
 * one-thread pass gives, and trains on one intra-op thread when it does not.
 *
 * <p>Why: on the project's 2-core AMD EPYC machines (AVX-512) libtorch 2.7.1's CPU backward through two stacked
 * convolutions, run on two intra-op threads, returned non-finite gradients for the first convolution in 291–299 of
 * 300 steps of a 32×3×16×16 batch, and in 0 of 300 on one thread, or on two with {@code ONEDNN_MAX_CPU_ISA=AVX2}
 * or {@code MKL_NUM_THREADS=1} in the environment. The loop's NaN guard then skipped those steps at random, which
 * made every CNN run's numbers depend on thread timing (the "NaN gradient norm, finite loss" failures). The check
 * costs a few milliseconds: the same tiny backward pass with the configured threads and with one.
 */
final class CpuKernelCheck {
    private static Optional<String> verdict;

    private CpuKernelCheck() {}

    /**
     * Runs the check on the first call for a CPU device (later calls repeat the first verdict).
     *
     * @param device the training device
     * @param warn receives the one-line warning when the check had to lower the threads
     */
    static synchronized void ensure(Device device, Consumer<String> warn) {
        if (!Device.Type.CPU.equals(device.getDeviceType())) {
            return;
        }
        if (verdict == null) {
            verdict = check();
        }
        verdict.ifPresent(warn);
    }

    /**
     * Runs the check now: with more than one intra-op thread, compares the pass against a one-thread pass and
     * leaves the engine on one thread when they disagree.
     *
     * @return the warning when the threads were lowered
     */
    static Optional<String> check() {
        Engine.getInstance(); // loads libtorch before its JNI functions are called
        Method get;
        Method set;
        try {
            Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils");
            get = jni.getMethod("getNumThreads");
            set = jni.getMethod("setNumThreads", int.class);
        } catch (ReflectiveOperationException | LinkageError e) {
            return Optional.empty(); // not the PyTorch engine: nothing to check
        }
        try {
            int threads = (Integer) get.invoke(null);
            if (threads <= 1) {
                return Optional.empty();
            }
            float[] multi = gradient();
            set.invoke(null, 1);
            float[] single = gradient();
            if (agree(multi, single)) {
                set.invoke(null, threads);
                return Optional.empty();
            }
            return Optional.of("libtorch's CPU convolution backward on " + threads + " intra-op threads gave "
                    + "different or non-finite gradients than on one thread on this CPU (seen with libtorch 2.7.1 "
                    + "on AVX-512 AMD EPYC processors); training uses one intra-op thread. To keep " + threads
                    + " threads, start the JVM with ONEDNN_MAX_CPU_ISA=AVX2 in the environment");
        } catch (ReflectiveOperationException e) {
            return Optional.empty();
        }
    }

    /**
     * The engine's intra-op thread count, or -1 when the engine is not PyTorch.
     *
     * @return the count
     */
    static int threads() {
        Engine.getInstance();
        try {
            return (Integer) Class.forName("ai.djl.pytorch.jni.JniUtils").getMethod("getNumThreads").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return -1;
        }
    }

    /**
     * Sets the engine's intra-op thread count (PyTorch only).
     *
     * @param n the count
     */
    static void threads(int n) {
        Engine.getInstance();
        try {
            Class.forName("ai.djl.pytorch.jni.JniUtils").getMethod("setNumThreads", int.class).invoke(null, n);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot set libtorch's thread count: " + e, e);
        }
    }

    /** Gradient of the first weight of conv(3→4) → conv(4→4) on fixed data; a few steps, concatenated. */
    static float[] gradient() {
        SplittableRandom random = new SplittableRandom(20261207L);
        int steps = 3;
        float[] out = new float[steps * 4 * 3 * 3 * 3];
        float[] first = uniform(random, 4 * 3 * 3 * 3, 0.3f);
        float[] second = uniform(random, 4 * 4 * 3 * 3, 0.3f);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (int s = 0; s < steps; s++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray w1 = Owned.floats(step, first, new Shape(4, 3, 3, 3));
                    NDArray b1 = Owned.floats(step, new float[4], new Shape(4));
                    NDArray w2 = Owned.floats(step, second, new Shape(4, 4, 3, 3));
                    w1.setRequiresGradient(true);
                    NDArray x = Owned.floats(step, uniform(random, 32 * 3 * 16 * 16, 1f), new Shape(32, 3, 16, 16));
                    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                        NDArray h = Conv2d.conv2d(x, w1, b1, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1)
                                .singletonOrThrow();
                        h = Conv2d.conv2d(h, w2, null, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1)
                                .singletonOrThrow();
                        c.backward(h.square().mean());
                    }
                    System.arraycopy(w1.getGradient().toFloatArray(), 0, out, s * 108, 108);
                }
            }
        }
        return out;
    }

    private static float[] uniform(SplittableRandom random, int n, float bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextDouble(-bound, bound));
        }
        return v;
    }

    /** Finite and equal to float32 summation-order noise (relative 1e-3 of the largest magnitude). */
    static boolean agree(float[] a, float[] b) {
        double scale = 0;
        for (float x : b) {
            if (!Float.isFinite(x)) {
                return false;
            }
            scale = Math.max(scale, Math.abs(x));
        }
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i]) || Math.abs(a[i] - b[i]) > 1e-3 * scale + 1e-12) {
                return false;
            }
        }
        return true;
    }
}
