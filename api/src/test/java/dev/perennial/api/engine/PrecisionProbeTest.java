package dev.perennial.api.engine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.perennial.api.config.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * The reduced-precision probe runs in a child JVM: a BF16 tensor ends DJL 0.36's process (JNI abort), so asking for
 * bf16 on this engine must be a one-line configuration error and this JVM must live on.
 */
class PrecisionProbeTest {

    @Test
    void bf16OnThisEngineIsAClearErrorNotACrash() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> PrecisionProbe.require(DataType.BFLOAT16, Device.cpu(), "training.precision"));
        assertTrue(e.getMessage().startsWith("training.precision bf16 cannot run on cpu()"), e.getMessage());
        assertTrue(e.getMessage().contains("accepted here: fp32"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void fp16OnTheCpuAndFp32PassTheProbe() {
        assertDoesNotThrow(() -> PrecisionProbe.require(DataType.FLOAT16, Device.cpu(), "training.precision"));
        assertDoesNotThrow(() -> PrecisionProbe.require(DataType.FLOAT32, Device.cpu(), "training.precision"));
    }
}
