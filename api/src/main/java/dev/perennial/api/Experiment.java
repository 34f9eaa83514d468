package dev.perennial.api;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.events.RunListener;
import dev.perennial.api.internal.ExperimentRunner;
import dev.perennial.api.internal.RuntimeModule;
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
     * Runs the experiment in a new run folder under {@code runDirectory}: trains every task, evaluates, writes
     * checkpoints, {@code metrics.jsonl} and {@code report.json}.
     *
     * @param listeners observers (e.g. a progress bar)
     * @return the report
     */
    public RunReport run(RunListener... listeners) {
        return runner(config).run(config, source, List.of(listeners));
    }

    static RunReport resume(Path runDirectory, RunListener... listeners) {
        ExperimentConfig config = dev.perennial.api.config.ExperimentFiles.read(runDirectory.resolve("experiment.json"));
        return runner(config).resume(runDirectory, List.of(listeners));
    }

    private static ExperimentRunner runner(ExperimentConfig config) {
        Injector injector = Guice.createInjector(new RuntimeModule(
                config.pluginDirectories().stream().map(Path::of).toList(), config.device()));
        return injector.getInstance(ExperimentRunner.class);
    }
}
