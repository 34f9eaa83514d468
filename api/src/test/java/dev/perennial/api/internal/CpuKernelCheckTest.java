package dev.perennial.api.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The check's decisions: which gradients agree, and when to advise capping oneDNN's instruction set. (What libtorch
 * returns on a given machine is measured by {@code bin/benchmark memory.ConvBackwardThreads}, not asserted here: on
 * the project's AVX-512 EPYC machines even the one-thread reference came back non-finite in some test JVMs.)
 */
class CpuKernelCheckTest {

    @Test
    void agreementRejectsNonFiniteAndDifferentGradients() {
        assertTrue(CpuKernelCheck.agree(new float[] {1f, -2f}, new float[] {1f, -2.0000001f}));
        assertFalse(CpuKernelCheck.agree(new float[] {Float.NaN, 1f}, new float[] {1f, 1f}));
        assertFalse(CpuKernelCheck.agree(new float[] {1f, 1f}, new float[] {1f, Float.POSITIVE_INFINITY}));
        assertFalse(CpuKernelCheck.agree(new float[] {1f, 1.1f}, new float[] {1f, 1f}));
    }

    @Test
    void adviceToCapTheInstructionSetOnlyOnAvx512WithoutAChoice() {
        assertTrue(CpuKernelCheck.isaAdvice(null, "fpu sse2 avx2 avx512f avx512bw").orElseThrow()
                .contains("ONEDNN_MAX_CPU_ISA=AVX "));
        assertTrue(CpuKernelCheck.isaAdvice("ALL", "avx2 avx512f").isEmpty(), "the user chose");
        assertTrue(CpuKernelCheck.isaAdvice(null, "fpu sse2 avx2 fma").isEmpty(), "no AVX-512");
    }
}
