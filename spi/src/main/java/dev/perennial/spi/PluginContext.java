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
}
