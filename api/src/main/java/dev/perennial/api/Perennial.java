package dev.perennial.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.api.config.ConfigBinder;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.api.config.PluginRef;
import dev.perennial.api.config.TrainingConfig;
import dev.perennial.api.events.RunListener;
import dev.perennial.api.registry.PluginRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The entry point for applications.
 *
 * <pre>{@code
 * RunReport report = Perennial.builder()
 *     .name("shapes-finetune")
 *     .dataset("generated-shapes", Map.of("classes", 10))
 *     .scenario("class-incremental", Map.of("increment", 2))
 *     .learner("finetune", Map.of())
 *     .training(Map.of("epochs", 2, "learningRate", 0.05))
 *     .build()
 *     .run(new ProgressBar());
 * }</pre>
 */
public final class Perennial {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Perennial() {}

    /**
     * Starts a fluent experiment.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads an experiment file (YAML or JSON).
     *
     * @param file the file
     * @return the experiment
     * @throws dev.perennial.api.config.ConfigException naming the file and field when it is invalid, and naming the
     *         file when it is missing, larger than {@link ExperimentFiles#MAX_FILE_BYTES} or holds a key twice
     */
    public static Experiment load(Path file) {
        return new Experiment(ExperimentFiles.read(file), file.getFileName().toString());
    }

    /**
     * Wraps a configuration.
     *
     * @param config the configuration (already validated field by field by its record)
     * @return the experiment; {@link Experiment#validate()} checks its plugins
     */
    public static Experiment of(ExperimentConfig config) {
        return new Experiment(config, "experiment '" + config.name() + "'");
    }

    /**
     * Continues a run from its newest checkpoint.
     *
     * @param runDirectory the run's folder
     * @param listeners observers
     * @return the report of the whole run
     * @throws dev.perennial.api.config.ConfigException when the folder's {@code experiment.json} is missing or
     *         invalid
     * @throws dev.perennial.api.checkpoint.CheckpointException when the folder has no intact checkpoint
     * @throws dev.perennial.api.RunFolderInUseException when another run holds the folder
     * @throws dev.perennial.api.registry.PluginException as {@link Experiment#run}
     */
    public static RunReport resume(Path runDirectory, RunListener... listeners) {
        return Experiment.resume(runDirectory, List.of(), listeners);
    }

    /**
     * Continues a run from its newest checkpoint, loading plugins from other folders than the run recorded (for
     * example when the plugin jars have moved). Relative folders are relative to this process's working folder.
     *
     * <p>Without {@code pluginDirectories} the run's own are used: absolute as recorded, and relative ones (from
     * runs recorded before they were made absolute) resolved against the folder the run was started from.
     *
     * @param runDirectory the run's folder
     * @param pluginDirectories folders of plugin jars that replace those in the run's {@code experiment.json}; empty
     *     to keep them
     * @param listeners observers
     * @return the report of the whole run
     */
    public static RunReport resume(Path runDirectory, List<Path> pluginDirectories, RunListener... listeners) {
        return Experiment.resume(runDirectory, List.copyOf(pluginDirectories), listeners);
    }

    /**
     * The plugins available to an application with these plugin folders.
     *
     * @param pluginDirectories folders of plugin jars
     * @return the registry
     * @throws dev.perennial.api.registry.PluginException when a folder is missing or is a file, a jar cannot be
     *         loaded, or two plugins of a kind share a name
     */
    public static PluginRegistry plugins(List<Path> pluginDirectories) {
        return PluginRegistry.load(pluginDirectories);
    }

    /** Builds an experiment in Java; the same fields as the file form. */
    public static final class Builder {
        private final ObjectNode node = JSON.createObjectNode();
        private final List<PluginRef> augmenters = new ArrayList<>();
        private final List<PluginRef> distillers = new ArrayList<>();
        private final List<PluginRef> metrics = new ArrayList<>();
        private final List<String> pluginDirectories = new ArrayList<>();
        private TrainingConfig training = TrainingConfig.defaults();

        private Builder() {
            node.put("name", "experiment");
        }

        /**
         * The experiment's name (names the run folder).
         *
         * @param name the name
         * @return this
         */
        public Builder name(String name) {
            node.put("name", name);
            return this;
        }

        /**
         * The run seed.
         *
         * @param seed the seed
         * @return this
         */
        public Builder seed(long seed) {
            node.put("seed", seed);
            return this;
        }

        /**
         * The dataset source.
         *
         * @param name its plugin name
         * @param config its configuration fields
         * @return this
         * @throws dev.perennial.api.config.ConfigException when the name is not a plugin name
         *         ({@code [a-z][a-z0-9-]*}, at most 63 characters) or the fields cannot be turned into JSON
         */
        public Builder dataset(String name, Map<String, ?> config) {
            node.set("dataset", JSON.valueToTree(ref("dataset", name, config)));
            return this;
        }

        /**
         * The scenario.
         *
         * @param name its plugin name
         * @param config its configuration fields
         * @return this
         * @throws dev.perennial.api.config.ConfigException when the name is not a plugin name
         *         ({@code [a-z][a-z0-9-]*}, at most 63 characters) or the fields cannot be turned into JSON
         */
        public Builder scenario(String name, Map<String, ?> config) {
            node.set("scenario", JSON.valueToTree(ref("scenario", name, config)));
            return this;
        }

        /**
         * The learner.
         *
         * @param name its plugin name
         * @param config its configuration fields
         * @return this
         * @throws dev.perennial.api.config.ConfigException when the name is not a plugin name
         *         ({@code [a-z][a-z0-9-]*}, at most 63 characters) or the fields cannot be turned into JSON
         */
        public Builder learner(String name, Map<String, ?> config) {
            node.set("learner", JSON.valueToTree(ref("learner", name, config)));
            return this;
        }

        /**
         * Adds an augmenter (applied in the order added).
         *
         * @param name its plugin name
         * @param config its configuration fields
         * @return this
         * @throws dev.perennial.api.config.ConfigException when the name is not a plugin name
         *         ({@code [a-z][a-z0-9-]*}, at most 63 characters) or the fields cannot be turned into JSON
         */
        public Builder augmenter(String name, Map<String, ?> config) {
            augmenters.add(ref("augmenter", name, config));
            return this;
        }

        /**
         * Adds a distiller.
         *
         * @param name its plugin name
         * @param config its configuration fields
         * @return this
         * @throws dev.perennial.api.config.ConfigException when the name is not a plugin name
         *         ({@code [a-z][a-z0-9-]*}, at most 63 characters) or the fields cannot be turned into JSON
         */
        public Builder distiller(String name, Map<String, ?> config) {
            distillers.add(ref("distiller", name, config));
            return this;
        }

        /**
         * The sampler.
         *
         * @param name its plugin name
         * @param config its configuration fields
         * @return this
         * @throws dev.perennial.api.config.ConfigException when the name is not a plugin name
         *         ({@code [a-z][a-z0-9-]*}, at most 63 characters) or the fields cannot be turned into JSON
         */
        public Builder sampler(String name, Map<String, ?> config) {
            node.set("sampler", JSON.valueToTree(ref("sampler", name, config)));
            return this;
        }

        /**
         * Adds a metric; the first added fills the accuracy matrix.
         *
         * @param name its plugin name
         * @param config its configuration fields
         * @return this
         * @throws dev.perennial.api.config.ConfigException when the name is not a plugin name
         *         ({@code [a-z][a-z0-9-]*}, at most 63 characters) or the fields cannot be turned into JSON
         */
        public Builder metric(String name, Map<String, ?> config) {
            metrics.add(ref("metric", name, config));
            return this;
        }

        /**
         * Training settings, laid over {@link TrainingConfig#defaults()}.
         *
         * @param fields e.g. {@code Map.of("epochs", 2, "optimizer", "adamw")}
         * @return this
         * @throws dev.perennial.api.config.ConfigException naming the field when a field is unknown or invalid
         */
        public Builder training(Map<String, ?> fields) {
            training = ConfigBinder.bind(JSON.valueToTree(fields), TrainingConfig.class, TrainingConfig.defaults(),
                    "builder: training");
            return this;
        }

        /**
         * Training settings.
         *
         * @param config the settings
         * @return this
         */
        public Builder training(TrainingConfig config) {
            training = config;
            return this;
        }

        /**
         * The device: auto, cpu or gpu.
         *
         * @param device the setting
         * @return this
         */
        public Builder device(String device) {
            node.put("device", device);
            return this;
        }

        /**
         * Where run folders are made.
         *
         * @param directory the folder
         * @return this
         */
        public Builder runDirectory(Path directory) {
            node.put("runDirectory", directory.toString());
            return this;
        }

        /**
         * Checkpoint every N optimizer steps as well as at task boundaries.
         *
         * @param steps N, 0 for task boundaries only
         * @return this
         */
        public Builder checkpointEverySteps(int steps) {
            node.put("checkpointEverySteps", steps);
            return this;
        }

        /**
         * Evaluate tasks not yet trained too (for forward transfer).
         *
         * @param evaluate whether to
         * @return this
         */
        public Builder evaluateFutureTasks(boolean evaluate) {
            node.put("evaluateFutureTasks", evaluate);
            return this;
        }

        /**
         * Adds a folder of plugin jars.
         *
         * @param directory the folder
         * @return this
         */
        public Builder pluginDirectory(Path directory) {
            pluginDirectories.add(directory.toString());
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the experiment
         * @throws dev.perennial.api.config.ConfigException naming the field when something is invalid
         */
        public Experiment build() {
            ObjectNode copy = node.deepCopy();
            copy.set("augmenters", JSON.valueToTree(augmenters));
            copy.set("distillers", JSON.valueToTree(distillers));
            copy.set("metrics", JSON.valueToTree(metrics));
            copy.set("pluginDirectories", JSON.valueToTree(pluginDirectories));
            copy.set("training", JSON.valueToTree(training));
            return new Experiment(ExperimentFiles.bind(copy, "builder"), "builder");
        }

        private static PluginRef ref(String slot, String name, Map<String, ?> config) {
            try {
                return PluginRef.of(name, JSON.valueToTree(config == null ? Map.of() : config));
            } catch (IllegalArgumentException e) {
                throw new dev.perennial.api.config.ConfigException("builder: " + slot + ": " + e.getMessage(), e);
            }
        }
    }
}
