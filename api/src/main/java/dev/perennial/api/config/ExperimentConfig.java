package dev.perennial.api.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.spi.ConfigDoc;
import java.util.List;

/**
 * A whole experiment, as a YAML or JSON file gives it or {@code Perennial.builder()} builds it.
 *
 * <pre>{@code
 * name: fashion-finetune
 * seed: 42
 * dataset: {name: idx, config: {directory: /usr/share/datasets/fashion-mnist}}
 * scenario: {name: class-incremental, config: {increment: 2}}
 * learner: {name: finetune}
 * augmenters: [mixup]
 * training: {optimizer: sgd, learningRate: 0.05, epochs: 1, batchSize: 64}
 * }</pre>
 *
 * @param name the experiment's name, used for the run folder
 * @param seed the run seed; every plugin and step seed is derived from it
 * @param dataset the dataset source
 * @param scenario how the data set is cut into tasks
 * @param learner the continual-learning method
 * @param augmenters augmenters, applied in order
 * @param distillers distillers, whose loss terms are added to the learner's
 * @param sampler the sampler (null: uniform shuffling)
 * @param metrics metrics; the first fills the accuracy matrix (default: accuracy)
 * @param training how the loop trains
 * @param device auto (GPU when present, else CPU), cpu or gpu
 * @param runDirectory where runs are written (a folder per run inside)
 * @param checkpointEverySteps also checkpoint every N optimizer steps within a task (0: task boundaries only)
 * @param evaluateFutureTasks also evaluate tasks not yet trained (needed for forward transfer)
 * @param pluginDirectories folders of plugin jars, each loaded into its own module layer
 * @param seeds how plugin seeds derive from the run seed: {@code per-plugin} (default; slot and plugin name mixed
 *     in, as before this option) or {@code paired} (slot alone, so two learners with the same run seed start from
 *     the same initial model where their models coincide; {@code perennial sweep} sets it), see
 *     {@link dev.perennial.api.loop.Seeds#plugin}
 * @param devices GPU indices to train on data-parallel (each batch split over them, a replica per device,
 *     gradients summed onto the first); empty (the default): the one device of {@code device}
 * @param compare learners compared from one shared start by {@code perennial run} (null: none), see
 *     {@link CompareConfig}
 */
public record ExperimentConfig(
        @ConfigDoc("Experiment name, used for the run folder.") @JsonProperty("name") String name,
        @ConfigDoc("Run seed; plugin and step seeds derive from it.") @JsonProperty("seed") long seed,
        @ConfigDoc("Dataset source plugin.") @JsonProperty("dataset") PluginRef dataset,
        @ConfigDoc("Scenario plugin that cuts the dataset into tasks.") @JsonProperty("scenario") PluginRef scenario,
        @ConfigDoc("Learner plugin.") @JsonProperty("learner") PluginRef learner,
        @ConfigDoc("Augmenter plugins, applied in order.") @JsonProperty("augmenters") List<PluginRef> augmenters,
        @ConfigDoc("Distiller plugins.") @JsonProperty("distillers") List<PluginRef> distillers,
        @ConfigDoc("Sampler plugin; null shuffles uniformly.") @JsonProperty("sampler") PluginRef sampler,
        @ConfigDoc("Metric plugins; the first fills the accuracy matrix.") @JsonProperty("metrics") List<PluginRef> metrics,
        @ConfigDoc("Training settings.") @JsonProperty("training") TrainingConfig training,
        @ConfigDoc("Device: auto, cpu or gpu.") @JsonProperty("device") String device,
        @ConfigDoc("Folder that holds run folders.") @JsonProperty("runDirectory") String runDirectory,
        @ConfigDoc("Checkpoint every N optimizer steps within a task; 0 = task boundaries only.") @JsonProperty("checkpointEverySteps") int checkpointEverySteps,
        @ConfigDoc("Also evaluate tasks not yet trained (for forward transfer).") @JsonProperty("evaluateFutureTasks") boolean evaluateFutureTasks,
        @ConfigDoc("Folders of plugin jars.") @JsonProperty("pluginDirectories") List<String> pluginDirectories,
        @ConfigDoc("Plugin seeds: per-plugin (slot and plugin name mixed in) or paired (slot alone: learners with"
                + " the same seed start from the same model and batches; sweeps set it).") @JsonProperty("seeds") String seeds,
        @ConfigDoc("GPU indices for data-parallel training, e.g. [0, 1]: each batch is split over them (a replica per"
                + " device, gradients summed onto the first); empty = the one device of 'device'.") @JsonProperty("devices") List<Integer> devices,
        @ConfigDoc("Compare learners from one shared start: {learners: [...], sharedTasks: [...]} (perennial run;"
                + " null: no comparison).") @JsonProperty("compare") CompareConfig compare) {

    /** {@code seeds: per-plugin}: a plugin's seed mixes in its slot and name. */
    public static final String PER_PLUGIN_SEEDS = "per-plugin";
    /** {@code seeds: paired}: a plugin's seed mixes in its slot alone. */
    public static final String PAIRED_SEEDS = "paired";

    /** Validates; messages name the field. */
    public ExperimentConfig {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,79}")) {
            throw new IllegalArgumentException("name '" + Abbreviated.value(name)
                    + "' must be 1-80 letters, digits, '.', '_' or '-' (it names the run folder)");
        }
        if (dataset == null) {
            throw new IllegalArgumentException("dataset is required, e.g. dataset: generated-shapes");
        }
        if (scenario == null) {
            throw new IllegalArgumentException("scenario is required, e.g. scenario: {name: class-incremental,"
                    + " config: {increment: 2}}");
        }
        if (learner == null) {
            throw new IllegalArgumentException("learner is required, e.g. learner: finetune");
        }
        augmenters = augmenters == null ? List.of() : List.copyOf(augmenters);
        distillers = distillers == null ? List.of() : List.copyOf(distillers);
        // task-incremental: the task id is given at test time, so the matrix is the task-restricted accuracy
        metrics = metrics != null && !metrics.isEmpty() ? List.copyOf(metrics)
                : "task-incremental".equals(scenario.name())
                ? List.of(PluginRef.of("task-accuracy"), PluginRef.of("accuracy")) : List.of(PluginRef.of("accuracy"));
        training = training == null ? TrainingConfig.defaults() : training;
        if ("online-class-incremental".equals(scenario.name()) && training.epochs() != 1) {
            throw new IllegalArgumentException("scenario online-class-incremental sees every training batch once: set"
                    + " training.epochs to 1 (was " + training.epochs() + ")");
        }
        device = device == null ? "auto" : device;
        if (!List.of("auto", "cpu", "gpu").contains(device)) {
            throw new IllegalArgumentException("device '" + Abbreviated.value(device) + "' is not one of auto, cpu, gpu");
        }
        runDirectory = runDirectory == null ? "runs" : runDirectory;
        if (checkpointEverySteps < 0) {
            throw new IllegalArgumentException("checkpointEverySteps must be >= 0 (0 = task boundaries only), was "
                    + checkpointEverySteps);
        }
        pluginDirectories = pluginDirectories == null ? List.of() : List.copyOf(pluginDirectories);
        if (devices != null && devices.stream().anyMatch(d -> d == null || d < 0)
                || devices != null && devices.stream().distinct().count() != devices.size()) {
            throw new IllegalArgumentException("devices " + devices + " must list distinct GPU indices >= 0, e.g."
                    + " [0, 1]");
        }
        devices = devices == null ? List.of() : List.copyOf(devices);
        if (!devices.isEmpty() && "cpu".equals(device)) {
            throw new IllegalArgumentException("devices " + devices + " lists GPUs but device is cpu; use device: gpu"
                    + " or auto with devices, or leave devices out");
        }
        seeds = seeds == null ? PER_PLUGIN_SEEDS : seeds;
        if (!seeds.equals(PER_PLUGIN_SEEDS) && !seeds.equals(PAIRED_SEEDS)) {
            throw new IllegalArgumentException("seeds '" + Abbreviated.value(seeds) + "' is not one of "
                    + PER_PLUGIN_SEEDS + ", " + PAIRED_SEEDS);
        }
    }

    /**
     * Whether plugin seeds are paired across plugins ({@code seeds: paired}).
     *
     * @return true for {@code paired}
     */
    public boolean pairedSeeds() {
        return PAIRED_SEEDS.equals(seeds);
    }

    /**
     * The defaults a file's fields are laid over: everything optional filled, the required plugins absent.
     *
     * @return a template holding the default values, not a valid experiment on its own
     */
    static java.util.Map<String, Object> defaultFields() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("seed", 42L);
        m.put("device", "auto");
        m.put("runDirectory", "runs");
        m.put("checkpointEverySteps", 0);
        m.put("evaluateFutureTasks", false);
        m.put("seeds", PER_PLUGIN_SEEDS);
        m.put("devices", List.of());
        return m;
    }
}
