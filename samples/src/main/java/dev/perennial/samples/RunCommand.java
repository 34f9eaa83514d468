package dev.perennial.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import dev.perennial.api.config.ConfigOverrides;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.api.config.PluginRef;
import dev.perennial.api.events.ProgressBar;
import dev.perennial.api.registry.PluginException;
import dev.perennial.api.registry.PluginRegistry;
import dev.perennial.spi.PluginKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code perennial run [EXPERIMENT] [--set PATH=VALUE]... [--plugin-dir DIR]... [--run-dir DIR]}. */
@Command(name = "run", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Run an experiment in a new run folder (report.json, report.html, metrics.jsonl,"
                + " checkpoints/).",
            "With no file: the embedded default, the continual-VQA sample (" + PerennialCli.DEFAULT + ").",
            "An experiment with a compare section runs its learner on the shared tasks once, then it and every"
                + " compared learner from that model, and prints their matrices side by side."},
        footerHeading = "%n",
        footer = {"Examples:",
            "  perennial run",
            "  perennial run experiment.yaml --set training.epochs=5 --set learner.config.lambda=2",
            "  perennial run experiment.yaml --plugin-dir plugins/",
            "Exit codes: 0 ok, 1 run failed, 2 bad input, 130 interrupted."})
final class RunCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    PerennialCli.Help help;


    @Parameters(index = "0", arity = "0..1", paramLabel = "EXPERIMENT",
            description = "A .yaml, .yml or .json experiment file; none: the embedded default.")
    Path file;

    @Option(names = "--set", paramLabel = "PATH=VALUE",
            description = {"Override a value of the experiment before it is validated, e.g. training.epochs=5,"
                    + " learner.config.lambda=2, augmenters.0.name=mixup (repeatable; a later one wins)."})
    List<String> overrides = new ArrayList<>();

    @Option(names = "--plugin-dir", paramLabel = "DIR",
            description = "A folder of plugin jars, added to the experiment's pluginDirectories (repeatable;"
                    + " relative to the current folder; the run folder records it absolute).")
    List<Path> pluginDirectories = new ArrayList<>();

    @Option(names = "--run-dir", paramLabel = "DIR",
            description = "The folder that holds run folders (the experiment's runDirectory).")
    String runDirectory;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ConfigOverrides set = ConfigOverrides.parse(allOverrides());
        ExperimentConfig config = file == null
                ? ExperimentFiles.parse(PerennialCli.embeddedText(PerennialCli.DEFAULT), PerennialCli.DEFAULT, set)
                : ExperimentFiles.read(file, set);
        config = withPluginDirectories(config, pluginDirectories, file == null ? PerennialCli.DEFAULT
                : file.getFileName().toString());
        checkPluginOverrides(config, set);
        Logging.loadEngineQuietly();
        if (config.compare() != null) {
            ComparedRuns.run(config, file == null ? PerennialCli.DEFAULT : file.toString(),
                    () -> new ProgressBar(PerennialCli.stream(spec.commandLine().getErr()), System.console() != null),
                    spec.commandLine().getOut(), PerennialCli.stream(spec.commandLine().getErr()));
            return PerennialCli.OK;
        }
        RunReport report = Perennial.of(config).run(new ProgressBar(PerennialCli.stream(spec.commandLine().getErr()),
                System.console() != null));
        RunOutput.printEnd(report, spec.commandLine().getOut());
        return PerennialCli.OK;
    }

    /** {@code --run-dir} and {@code --plugin-dir} are overrides too, after the user's {@code --set}s. */
    private List<String> allOverrides() {
        List<String> all = new ArrayList<>(overrides);
        if (runDirectory != null) {
            all.add("runDirectory=" + quoted(runDirectory));
        }
        return all;
    }

    /** The experiment with {@code --plugin-dir} folders added after its own, absolute against this folder. */
    static ExperimentConfig withPluginDirectories(ExperimentConfig config, List<Path> added, String where) {
        if (added.isEmpty()) {
            return config;
        }
        ObjectNode tree = ExperimentFiles.toTree(config);
        var array = tree.withArrayProperty("pluginDirectories");
        for (Path d : added) {
            array.add(d.toAbsolutePath().normalize().toString());
        }
        return ExperimentFiles.bind(tree, where);
    }

    private static String quoted(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /**
     * Binds the plugin configurations that a {@code --set} changed, so an error names the argument (the run
     * binds them again, naming the file).
     */
    private void checkPluginOverrides(ExperimentConfig config, ConfigOverrides set) {
        Map<String, PluginKind> slots = Map.of("dataset", PluginKind.DATASET_SOURCE, "scenario", PluginKind.SCENARIO,
                "learner", PluginKind.LEARNER, "augmenters", PluginKind.AUGMENTER, "distillers", PluginKind.DISTILLER,
                "sampler", PluginKind.SAMPLER, "metrics", PluginKind.METRIC);
        PluginRegistry registry = null;
        for (ConfigOverrides.Override o : set.overrides()) {
            PluginKind kind = slots.get(o.field());
            if (kind == null) {
                continue;
            }
            if (registry == null) {
                registry = Perennial.plugins(config.pluginDirectories().stream().map(Path::of).toList());
            }
            for (PluginRef ref : refs(config, o.field())) {
                JsonNode fields = ref.config();
                try {
                    registry.bindConfig(kind, ref.name(), fields == null ? null : (ObjectNode) fields,
                            o.shown() + ": " + kind.label() + " '" + ref.name() + "'");
                } catch (PluginException e) {
                    throw new PluginException(o.shown() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private static List<PluginRef> refs(ExperimentConfig c, String field) {
        return switch (field) {
            case "dataset" -> List.of(c.dataset());
            case "scenario" -> List.of(c.scenario());
            case "learner" -> List.of(c.learner());
            case "augmenters" -> c.augmenters();
            case "distillers" -> c.distillers();
            case "sampler" -> c.sampler() == null ? List.of() : List.of(c.sampler());
            case "metrics" -> c.metrics();
            default -> List.of();
        };
    }
}
