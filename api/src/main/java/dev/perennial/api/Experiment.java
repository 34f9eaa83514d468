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
        return RuntimeWiring.runner(config).run(config, source, List.of(listeners));
    }

    static RunReport resume(Path runDirectory, RunListener... listeners) {
        ExperimentConfig config = dev.perennial.api.config.ExperimentFiles.read(runDirectory.resolve("experiment.json"));
        return RuntimeWiring.runner(config).resume(runDirectory, List.of(listeners));
    }
}
