package dev.perennial.api.internal;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.perennial.api.config.ConfigException;

/** Chooses the training device from the experiment's {@code device} setting. */
final class DeviceSelection {
    private DeviceSelection() {}

    /**
     * The device.
     *
     * @param setting auto, cpu or gpu
     * @return the GPU when asked or, for auto, when one is visible; otherwise the CPU
     * @throws ConfigException when gpu is asked for and none is visible
     */
    static Device choose(String setting) {
        int gpus = Engine.getInstance().getGpuCount();
        return switch (setting) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (gpus == 0) {
                    throw new ConfigException("device: gpu was asked for but no GPU is visible to libtorch (the CPU native"
                            + " jar is on the class path; see the cuda Maven profile); accepted here: auto, cpu");
                }
                yield Device.gpu();
            }
            default -> gpus > 0 ? Device.gpu() : Device.cpu();
        };
    }
}
