package dev.perennial.api.internal;

import ai.djl.Device;
import dev.perennial.models.nn.ConvolutionProbe;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Guards against libtorch 2.7.1's CPU convolution backward defects on AVX-512 processors, once per JVM.
 *
 * <p>What was measured on the project's 2-core AMD EPYC machines (AVX-512; README "Status", BENCHMARKS "Loop
 * memory"): with oneDNN's default (AVX-512) kernels the backward pass through two stacked convolutions on two
 * intra-op threads differed from the one-thread pass in 300 of 300 steps (non-finite in some), and on one thread it
 * still gave NaN gradients now and then (a finetune + mixup run on one thread stopped at step 342, at step 710 with
 * no Java buffer ever freed, at step 3,386 with a 64 MiB heap). With {@code ONEDNN_MAX_CPU_ISA=AVX2} in the
 * environment the same 64 MiB run trained 100,000 steps. The "NaN gradient norm, finite loss" stops of CNN runs
 * that looked like a garbage-collector effect were this.
 *
 * <p>The check: when the processor has AVX-512 and {@code ONEDNN_MAX_CPU_ISA} is unset, a warning says to set it
 * (the launchers and the test setup set AVX: the AVX2 kernels still failed now and then); and when libtorch runs more than one intra-op thread, the backward
 * pass is compared with a one-thread pass (milliseconds) and, when they disagree, training uses one thread.
 */
final class CpuKernelCheck {
    private static Optional<String> verdict;
    private static Optional<String> isa;

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
            isa = isaAdvice(System.getenv("ONEDNN_MAX_CPU_ISA"), cpuFlags());
        }
        isa.ifPresent(warn);
        verdict.ifPresent(warn);
    }

    /**
     * Runs the check now: with more than one intra-op thread, compares the pass against a one-thread pass and
     * leaves the engine on one thread when they disagree.
     *
     * @return the warning when the threads were lowered
     */
    static Optional<String> check() {
        int threads = ConvolutionProbe.intraOpThreads();
        if (threads <= 1) {
            return Optional.empty(); // one thread, or not the PyTorch engine: nothing to compare
        }
        float[] multi = gradient();
        ConvolutionProbe.intraOpThreads(1);
        float[] single = gradient();
        if (agree(multi, single)) {
            ConvolutionProbe.intraOpThreads(threads);
            return Optional.empty();
        }
        if (!agree(single, single)) {
            return Optional.of("libtorch's CPU convolution backward returned non-finite gradients for finite data "
                    + "on one thread in this process (seen with libtorch 2.7.1 on AVX-512 AMD EPYC processors, "
                    + "also after other work in the same JVM); training uses one intra-op thread, but results of "
                    + "convolutional models may still be wrong here. Start the JVM with ONEDNN_MAX_CPU_ISA=AVX");
        }
        return Optional.of("libtorch's CPU convolution backward on " + threads + " intra-op threads gave "
                + "different or non-finite gradients than on one thread on this CPU (seen with libtorch 2.7.1 "
                + "on AVX-512 AMD EPYC processors); training uses one intra-op thread. To keep " + threads
                + " threads, start the JVM with ONEDNN_MAX_CPU_ISA=AVX in the environment");
    }

    /**
     * The advice to cap oneDNN's instruction set, when the processor has AVX-512 and nobody chose a cap.
     *
     * @param maxIsa the value of {@code ONEDNN_MAX_CPU_ISA}, or null
     * @param flags the processor's flags ({@code /proc/cpuinfo}), or empty when unknown
     * @return the warning, or empty
     */
    static Optional<String> isaAdvice(String maxIsa, String flags) {
        if (maxIsa != null || !(" " + flags + " ").contains(" avx512f ")) {
            return Optional.empty();
        }
        return Optional.of("this processor has AVX-512 and ONEDNN_MAX_CPU_ISA is not set: libtorch 2.7.1's AVX-512 "
                + "oneDNN 3x3 convolution gave wrong or NaN outputs and gradients on AVX-512 AMD EPYC processors "
                + "(README, \"Status\"); start the JVM with ONEDNN_MAX_CPU_ISA=AVX in the environment (bin/perennial "
                + "does) or =ALL to keep the AVX-512 kernels");
    }

    private static String cpuFlags() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("flags")).findFirst().map(l -> l.substring(l.indexOf(':') + 1))
                    .orElse("");
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    /** The first convolution's gradient of conv(3→4) → conv(4→4) on fixed data, three batches, concatenated. */
    private static float[] gradient() {
        SplittableRandom random = new SplittableRandom(20261207L);
        int steps = 3;
        float[] out = new float[steps * ConvolutionProbe.FIRST_WEIGHTS];
        float[] first = ConvolutionProbe.uniform(random, ConvolutionProbe.FIRST_WEIGHTS, 0.3f);
        float[] second = ConvolutionProbe.uniform(random, ConvolutionProbe.SECOND_WEIGHTS, 0.3f);
        for (int s = 0; s < steps; s++) {
            float[] x = ConvolutionProbe.uniform(random, ConvolutionProbe.INPUT_VALUES, 1f);
            System.arraycopy(ConvolutionProbe.firstLayerGradient(ConvolutionProbe.Network.CONV_CONV, first, second, x),
                    0, out, s * ConvolutionProbe.FIRST_WEIGHTS, ConvolutionProbe.FIRST_WEIGHTS);
        }
        return out;
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
