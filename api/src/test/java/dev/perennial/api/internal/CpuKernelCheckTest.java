package dev.perennial.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * After the check, the engine's CPU convolution backward pass agrees with its one-thread pass: either the configured
 * threads passed, or the check left the engine on one thread and said so. On the project's AVX-512 EPYC machines
 * two threads fail (non-finite gradients), so there this test exercises the fallback.
 */
class CpuKernelCheckTest {

    @Test
    void afterTheCheckTwoThreadsAgreeWithOneOrTheEngineRunsOnOne() {
        int before = CpuKernelCheck.threads();
        try {
            CpuKernelCheck.threads(1);
            float[] single = CpuKernelCheck.gradient();
            assertTrue(CpuKernelCheck.agree(single, single), "one thread gives finite gradients");
            CpuKernelCheck.threads(2);
            Optional<String> verdict = CpuKernelCheck.check();
            if (verdict.isPresent()) {
                assertEquals(1, CpuKernelCheck.threads(), verdict.get());
                assertTrue(verdict.get().contains("ONEDNN_MAX_CPU_ISA=AVX2"), verdict.get());
            } else {
                assertEquals(2, CpuKernelCheck.threads());
            }
            assertTrue(CpuKernelCheck.agree(CpuKernelCheck.gradient(), single),
                    "the gradients after the check equal the one-thread gradients");
        } finally {
            CpuKernelCheck.threads(before);
        }
    }

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
                .contains("ONEDNN_MAX_CPU_ISA=AVX2"));
        assertTrue(CpuKernelCheck.isaAdvice("ALL", "avx2 avx512f").isEmpty(), "the user chose");
        assertTrue(CpuKernelCheck.isaAdvice(null, "fpu sse2 avx2 fma").isEmpty(), "no AVX-512");
    }
}
