package dev.perennial.api.internal;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.engine.PrecisionProbe;
import dev.perennial.api.loop.ReplicaParameterStore;
import java.util.List;
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
     * @throws dev.perennial.api.engine.LibtorchMismatchException when {@code PYTORCH_LIBRARY_PATH} names a libtorch
     *     that DJL's JNI cannot run (checked before the engine loads, which would end the JVM)
     */
    static Device choose(String setting) {
        dev.perennial.api.engine.LibtorchCheck.verify();
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

    /**
     * The first training device: the chosen device, or the first GPU of {@code devices}.
     *
     * @param devices the experiment's GPU indices (empty: one device)
     * @param chosen the device {@link #choose} gave
     * @return the device of the run's manager (the master parameters)
     * @throws ConfigException when an index is not a visible GPU
     */
    static Device first(List<Integer> devices, Device chosen) {
        if (devices.isEmpty()) {
            return chosen;
        }
        int gpus = Engine.getInstance().getGpuCount();
        for (int d : devices) {
            if (d >= gpus) {
                throw new ConfigException("devices " + devices + " asks for GPU " + d + " but libtorch sees " + gpus
                        + " GPU" + (gpus == 1 ? "" : "s") + (gpus == 0 ? "" : " (indices 0 to " + (gpus - 1) + ")")
                        + "; list visible GPUs or leave devices out");
            }
        }
        return Device.gpu(devices.get(0));
    }

    /**
     * The parameter store the run lends plugins: the precision's compute type (checked against the engine in a
     * child process first, since an unsupported type can end this JVM) and a replica per device.
     *
     * @param config the experiment
     * @param manager the run's manager, on the first device
     * @return the store
     */
    static ReplicaParameterStore parameterStore(ExperimentConfig config, NDManager manager) {
        DataType compute = switch (config.training().precision()) {
            case FP32 -> DataType.FLOAT32;
            case FP16 -> DataType.FLOAT16;
            case BF16 -> DataType.BFLOAT16;
        };
        List<Device> devices = config.devices().isEmpty() ? List.of(manager.getDevice())
                : config.devices().stream().map(Device::gpu).toList();
        for (Device d : devices) {
            PrecisionProbe.require(compute, d, "training.precision");
        }
        return new ReplicaParameterStore(manager, compute, devices);
    }
}
