package dev.perennial.api.internal;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Chooses the training device from the experiment's {@code device} setting. */
final class DeviceSelection {
    private DeviceSelection() {}

    /**
     * The device.
     *
     * @param setting auto, cpu or gpu
     * @return the GPU when asked or, for auto, when one is visible; otherwise the CPU
     * @throws IllegalStateException when gpu is asked for and none is visible
     */
    static Device choose(String setting) {
        int gpus = Engine.getInstance().getGpuCount();
        return switch (setting) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (gpus == 0) {
                    throw new IllegalStateException("device: gpu was asked for but no GPU is visible to libtorch"
                            + " (the CPU native jar is on the class path; see the cuda Maven profile)");
                }
                yield Device.gpu();
            }
            default -> gpus > 0 ? Device.gpu() : Device.cpu();
        };
    }
}
