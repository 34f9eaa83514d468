package dev.perennial.models.io;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** The memory a model's parameters may take, checked from the shapes before anything is allocated. */
public final class MemoryBudget {
    private MemoryBudget() {}

    /**
     * The budget that applies: the explicit one, else on the CPU the physical memory available now, else none
     * (accelerators report their own out-of-memory errors).
     *
     * @param explicit a budget in bytes, if given
     * @param device where the parameters go
     * @return the budget, empty for no check
     */
    public static OptionalLong effective(OptionalLong explicit, Device device) {
        if (explicit.isPresent() || !device.getDeviceType().equals(Device.Type.CPU)) {
            return explicit;
        }
        return availablePhysicalMemory();
    }

    /** @return {@code MemAvailable} of {@code /proc/meminfo}, when the platform has it */
    public static OptionalLong availablePhysicalMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    String[] parts = line.trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[1]) * 1024L);
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
