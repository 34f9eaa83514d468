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
        // Relative plugin folders are relative to the working folder of this process; the run folder records them
        // absolute, so that resume works from any folder.
        ExperimentConfig resolved = withPluginDirectories(config, config.pluginDirectories().stream().map(Path::of)
                .toList(), Path.of("").toAbsolutePath());
        return runner(resolved).run(resolved, source, List.of(listeners));
    }

    static RunReport resume(Path runDirectory, List<Path> pluginDirectories, RunListener... listeners) {
        ExperimentConfig config = dev.perennial.api.config.ExperimentFiles.read(runDirectory.resolve("experiment.json"));
        ExperimentConfig resolved = pluginDirectories.isEmpty()
                ? withPluginDirectories(config, config.pluginDirectories().stream().map(Path::of).toList(),
                        startFolder(runDirectory, config.runDirectory()))
                : withPluginDirectories(config, pluginDirectories, Path.of("").toAbsolutePath());
        return runner(resolved).resume(runDirectory, List.of(listeners));
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

    private static ExperimentRunner runner(ExperimentConfig config) {
        Injector injector = Guice.createInjector(new RuntimeModule(
                config.pluginDirectories().stream().map(Path::of).toList(), config.device()));
        return injector.getInstance(ExperimentRunner.class);
    }
}
