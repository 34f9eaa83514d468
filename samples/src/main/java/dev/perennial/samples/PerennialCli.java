package dev.perennial.samples;

import dev.perennial.api.Perennial;
import dev.perennial.api.RunFolderInUseException;
import dev.perennial.api.RunReport;
import dev.perennial.api.config.ConfigException;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.api.events.AccuracyTable;
import dev.perennial.api.events.ProgressBar;
import dev.perennial.api.registry.PluginDescriptor;
import dev.perennial.api.registry.PluginException;
import dev.perennial.api.registry.PluginRegistry;
import dev.perennial.api.report.ConfigurationReference;
import dev.perennial.api.report.HtmlReport;
import dev.perennial.spi.PluginKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The {@code perennial} command.
 *
 * <pre>
 * perennial run [experiment.yaml|json]   run an experiment (no file: the embedded default)
 * perennial resume &lt;run-dir&gt;             continue a run from its newest checkpoint
 * perennial plugins [--plugin-dir DIR]    list plugin kinds, names, versions and capabilities
 * perennial plugins check JAR|DIR          load a plugin as a run would and report what is wrong with it
 * perennial plugins reference [--plugin-dir DIR]   print the configuration reference (Markdown)
 * </pre>
 */
public final class PerennialCli {
    /** The embedded default experiment: continual VQA with LLaCA on generated Mini-CoIN (issue #5). */
    static final String DEFAULT = "continual-vqa.yaml";
    private static final String USAGE = String.join(System.lineSeparator(),
            "usage: perennial run [EXPERIMENT.yaml|.json] [--run-dir DIR]",
            "       perennial resume RUN_DIR",
            "       perennial plugins [--plugin-dir DIR]...",
            "       perennial plugins check PLUGIN.jar|PLUGIN_DIR",
            "       perennial plugins reference [--plugin-dir DIR]...",
            "With no experiment file, run uses the embedded default, the continual-VQA sample (" + DEFAULT + ").");

    private PerennialCli() {}

    /**
     * Entry point; exits with 0 on success, 1 on a run error, 2 on a usage or configuration error.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs a command.
     *
     * @param args the command line
     * @param out standard output
     * @param err standard error
     * @return the exit status
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        try {
            switch (args[0]) {
                case "run" -> {
                    return runCommand(args, out);
                }
                case "resume" -> {
                    if (args.length != 2) {
                        err.println(USAGE);
                        return 2;
                    }
                    RunReport report = Perennial.resume(Path.of(args[1]),
                            new ProgressBar(err, System.console() != null));
                    printEnd(report, out);
                    return 0;
                }
                case "plugins" -> {
                    return plugins(args, out);
                }
                case "-h", "--help", "help" -> {
                    out.println(USAGE);
                    return 0;
                }
                default -> {
                    err.println("unknown command '" + args[0] + "'");
                    err.println(USAGE);
                    return 2;
                }
            }
        } catch (ConfigException | PluginException | IllegalArgumentException e) {
            err.println("perennial: " + e.getMessage());
            return 2;
        } catch (RunFolderInUseException e) {
            err.println("perennial: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("perennial: run failed: " + e.getMessage());
            if (Boolean.getBoolean("perennial.debug")) {
                e.printStackTrace(err);
            } else {
                err.println("(run with -Dperennial.debug=true for the stack trace)");
            }
            return 1;
        }
    }

    private static int runCommand(String[] args, PrintStream out) {
        String file = null;
        String runDir = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--run-dir") && i + 1 < args.length) {
                runDir = args[++i];
            } else if (file == null && !args[i].startsWith("--")) {
                file = args[i];
            } else {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'\n" + USAGE);
            }
        }
        ExperimentConfig config = file == null ? defaultExperiment() : ExperimentFiles.read(Path.of(file));
        if (runDir != null) {
            var tree = ExperimentFiles.toTree(config);
            tree.put("runDirectory", runDir);
            config = ExperimentFiles.bind(tree, file == null ? DEFAULT : file);
        }
        RunReport report = Perennial.of(config).run(new ProgressBar());
        printEnd(report, out);
        return 0;
    }

    /**
     * The embedded default experiment.
     *
     * @return the experiment
     */
    static ExperimentConfig defaultExperiment() {
        return embedded(DEFAULT);
    }

    /**
     * An experiment shipped in the samples jar.
     *
     * @param name the resource name beside this class, e.g. {@code class-incremental-shapes.yaml}
     * @return the experiment
     */
    static ExperimentConfig embedded(String name) {
        try (InputStream in = PerennialCli.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the samples jar");
            }
            return ExperimentFiles.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the embedded experiment " + name, e);
        }
    }

    private static void printEnd(RunReport report, PrintStream out) {
        out.println();
        out.print(AccuracyTable.format(report));
        out.printf(Locale.ROOT, "run folder: %s (report.json, metrics.jsonl, checkpoints/)%n",
                report.runDirectory());
        out.printf(Locale.ROOT, "report: %s%n", Path.of(report.runDirectory()).resolve(HtmlReport.FILE_NAME));
    }

    private static int plugins(String[] args, PrintStream out) {
        if (args.length > 1 && args[1].equals("check")) {
            if (args.length != 3) {
                throw new IllegalArgumentException("plugins check takes one plugin jar or directory\n" + USAGE);
            }
            return PluginCheck.run(Path.of(args[2]), out);
        }
        boolean reference = args.length > 1 && args[1].equals("reference");
        List<Path> dirs = new ArrayList<>();
        for (int i = reference ? 2 : 1; i < args.length; i++) {
            if (args[i].equals("--plugin-dir") && i + 1 < args.length) {
                dirs.add(Path.of(args[++i]));
            } else {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'\n" + USAGE);
            }
        }
        PluginRegistry registry = Perennial.plugins(dirs);
        if (reference) {
            out.print(ConfigurationReference.markdown(registry, "perennial plugins reference"
                    + dirs.stream().map(d -> " --plugin-dir " + d).collect(Collectors.joining())));
            return 0;
        }
        int broken = 0;
        for (PluginKind kind : PluginKind.values()) {
            out.printf(Locale.ROOT, "%s (%d)%n", kind.label(), registry.names(kind).size());
            // One provider at a time: a plugin whose constructor throws (or that is invalid) is listed with its
            // error, and the others are still shown.
            for (String name : registry.names(kind)) {
                PluginDescriptor d;
                try {
                    d = registry.describe(kind, name);
                } catch (PluginException e) {
                    broken++;
                    out.printf(Locale.ROOT, "  %-22s BROKEN: %s%n", name, e.getMessage());
                    continue;
                }
                out.printf(Locale.ROOT, "  %-22s %-8s spi %-4s %-40s %s%n", d.name(), d.version(), d.spiVersion(),
                        d.capabilities().stream().map(Object::toString).sorted().collect(Collectors.joining(",")),
                        d.source());
            }
        }
        if (broken > 0) {
            out.printf(Locale.ROOT, "%d plugin%s cannot be used; `perennial plugins check JAR` says more%n", broken,
                    broken == 1 ? "" : "s");
            return 1;
        }
        return 0;
    }
}
