package dev.perennial.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code devices} and {@code training.precision} in an experiment file: defaults and one-line errors. */
class DeviceAndPrecisionConfigTest {
    private static final String BASE = "name: t\ndataset: generated-shapes\nscenario: class-incremental\nlearner: finetune\n";

    @Test
    void defaultsAreOneDeviceAndFp32() {
        ExperimentConfig c = ExperimentFiles.parse(BASE, "x.yaml");
        assertEquals(List.of(), c.devices());
        assertEquals(TrainingConfig.Precision.FP32, c.training().precision());
    }

    @Test
    void devicesAndPrecisionBind() {
        ExperimentConfig c = ExperimentFiles.parse(BASE + "device: gpu\ndevices: [0, 1]\ntraining: {precision: fp16}\n",
                "x.yaml");
        assertEquals(List.of(0, 1), c.devices());
        assertEquals(TrainingConfig.Precision.FP16, c.training().precision());
    }

    @Test
    void devicesWithTheCpuOrTwiceTheSameGpuAreErrors() {
        ConfigException cpu = assertThrows(ConfigException.class,
                () -> ExperimentFiles.parse(BASE + "device: cpu\ndevices: [0, 1]\n", "x.yaml"));
        assertTrue(cpu.getMessage().contains("devices [0, 1] lists GPUs but device is cpu"), cpu.getMessage());
        ConfigException twice = assertThrows(ConfigException.class,
                () -> ExperimentFiles.parse(BASE + "devices: [1, 1]\n", "x.yaml"));
        assertTrue(twice.getMessage().contains("distinct GPU indices"), twice.getMessage());
    }

    @Test
    void anUnknownPrecisionNamesTheAcceptedOnes() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ExperimentFiles.parse(BASE + "training: {precision: fp8}\n", "x.yaml"));
        String m = e.getMessage().toLowerCase(java.util.Locale.ROOT);
        assertTrue(m.contains("precision") && m.contains("fp16") && m.contains("bf16"), e.getMessage());
    }
}
