package dev.perennial.api;

import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.events.RunListener;
import dev.perennial.api.internal.ExperimentRunner;
import dev.perennial.api.internal.RuntimeWiring;
import java.nio.file.Path;
import java.util.List;

/**
 * An experiment ready to run: made by {@link Perennial#builder()} or {@link Perennial#load(Path)}.
 */
public final class Experiment {
    private final ExperimentConfig config;
    private final String source;

    Experiment(ExperimentConfig config, String source) {
        this.config = config;
        this.source = source;
    }

    /**
     * The configuration.
     *
     * @return the experiment's configuration
     */
    public ExperimentConfig config() {
        return config;
    }

    /**
     * Checks the experiment without running it and without writing anything: the plugin folders load, the device
     * is available, every plugin it names exists and its configuration binds.
     *
     * @throws dev.perennial.api.registry.PluginException when a plugin folder is missing or is a file, a plugin jar
     *         cannot be loaded, or a plugin is unknown (the message gives the nearest names)
     * @throws dev.perennial.api.config.ConfigException when a plugin's configuration does not bind, or
     *         {@code device: gpu} is asked for and no GPU is visible
     */
    public void validate() {
        RuntimeWiring.runner(config).validate(config, source);
    }

    /**
     * Runs the experiment in a new run folder under {@code runDirectory}: trains every task, evaluates, writes
     * checkpoints, {@code metrics.jsonl}, {@code metrics-steps.csv}, {@code metrics-evaluation.csv},
     * {@code report.json} and {@code report.html}. The folder is made only after {@link #validate()} passed, so an
     * experiment that does not validate leaves nothing on disk. Every exception below is unchecked and its message
     * is one line naming the file, field or plugin.
     *
     * @param listeners observers (e.g. a progress bar)
     * @return the report
     * @throws dev.perennial.api.registry.PluginException as {@link #validate()}, or when a plugin fails while it is
     *         created
     * @throws dev.perennial.api.config.ConfigException as {@link #validate()}
     * @throws dev.perennial.spi.DatasetException when the data set cannot be read
     * @throws dev.perennial.api.loop.NonFiniteLossException when the loss or gradients stop being finite (see
     *         {@code training.nanPolicy})
     * @throws java.io.UncheckedIOException when the run folder cannot be made or written
     */
    public RunReport run(RunListener... listeners) {
        // Relative plugin folders are relative to the working folder of this process; the run folder records them
        // absolute, so that resume works from any folder.
        ExperimentConfig resolved = withPluginDirectories(config, config.pluginDirectories().stream().map(Path::of)
                .toList(), Path.of("").toAbsolutePath());
        return RuntimeWiring.runner(resolved).run(resolved, source, List.of(listeners));
    }

    static RunReport resume(Path runDirectory, List<Path> pluginDirectories, RunListener... listeners) {
        ExperimentConfig config = dev.perennial.api.config.ExperimentFiles.read(runDirectory.resolve("experiment.json"));
        ExperimentConfig resolved = pluginDirectories.isEmpty()
                ? withPluginDirectories(config, config.pluginDirectories().stream().map(Path::of).toList(),
                        startFolder(runDirectory, config.runDirectory()))
                : withPluginDirectories(config, pluginDirectories, Path.of("").toAbsolutePath());
        return RuntimeWiring.runner(resolved).resume(runDirectory, List.of(listeners));
    }

    /**
     * The folder a run was started from, for a run folder's relative paths: with a relative {@code runDirectory}
     * such as {@code runs}, the run folder {@code /x/runs/name-time} was started from {@code /x}; otherwise (an
     * absolute {@code runDirectory}, or a run folder moved elsewhere) the working folder of this process.
     */
    static Path startFolder(Path runFolder, String runDirectory) {
        Path parent = runFolder.toAbsolutePath().normalize().getParent();
        Path relative = Path.of(runDirectory).normalize();
        Path cwd = Path.of("").toAbsolutePath();
        if (parent == null || relative.isAbsolute() || relative.toString().isEmpty() || relative.startsWith("..")) {
            return cwd;
        }
        Path base = parent;
        for (int i = relative.getNameCount() - 1; i >= 0; i--) {
            if (base == null || base.getFileName() == null
                    || !base.getFileName().toString().equals(relative.getName(i).toString())) {
                return cwd;
            }
            base = base.getParent();
        }
        return base == null ? cwd : base;
    }

    /** The configuration with these plugin folders, each made absolute against {@code base}. */
    private static ExperimentConfig withPluginDirectories(ExperimentConfig config, List<Path> directories, Path base) {
        List<String> absolute = directories.stream().map(d -> base.resolve(d).normalize().toString()).toList();
        if (absolute.equals(config.pluginDirectories())) {
            return config;
        }
        var tree = dev.perennial.api.config.ExperimentFiles.toTree(config);
        tree.set("pluginDirectories", tree.arrayNode().addAll(absolute.stream()
                .map(tree::textNode).toList()));
        return dev.perennial.api.config.ExperimentFiles.bind(tree, "experiment '" + config.name() + "'");
    }
}
