package dev.perennial.spi;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the runtime lends a plugin when it is created: a memory scope, the device, a seed and a folder.
 * Never the engine itself.
 */
public interface PluginContext {

    /**
     * The plugin's name, as the experiment asked for it.
     *
     * @return the name
     */
    String pluginName();

    /**
     * A manager that lives as long as the run, on {@link #device()}. Model parameters and cross-task buffers
     * (old weights, Fisher information, prototypes) belong here; per-step arrays belong in the step's manager.
     *
     * @return the plugin-lifetime manager
     */
    NDManager manager();

    /**
     * The device the loop trains on.
     *
     * @return the device
     */
    Device device();

    /**
     * A seed for this plugin, derived from the run seed and the plugin name, so two plugins never share
     * a random stream and a rerun with the same seed repeats itself.
     *
     * @return the seed
     */
    long seed();

    /**
     * A folder the plugin may write to (caches, pools), inside the run directory.
     *
     * @return the folder, which exists
     */
    Path workDirectory();

    /**
     * The scenario the run trains on, for plugins that size themselves to it (learners, metrics).
     *
     * @return the scenario, or empty when the plugin is created outside a run
     */
    Optional<ScenarioInfo> scenario();

    /**
     * The parameter store a plugin's training forward passes should read parameters through. The loop's store
     * hands each parameter out as the step needs it: the parameter itself for fp32 on one device (exactly as
     * {@code new ParameterStore(manager(), false)}), a low-precision copy under {@code training.precision: fp16 |
     * bf16} (fp32 master weights stay with the loop), the replica on a device's shard under {@code devices: [..]}.
     * A plugin that makes its own store trains in fp32 on one device only; frozen teachers may keep their own.
     * Since SPI 1.3.
     *
     * @return the store; outside a run, a new plain store on {@link #manager()}
     */
    default ai.djl.training.ParameterStore parameterStore() {
        return new ai.djl.training.ParameterStore(manager(), false);
    }
}
