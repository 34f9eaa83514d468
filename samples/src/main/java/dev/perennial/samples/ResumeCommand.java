package dev.perennial.samples;

import dev.perennial.api.Perennial;
import dev.perennial.api.RunReport;
import dev.perennial.api.events.ProgressBar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code perennial resume RUN_DIR [--plugin-dir DIR]...}. */
@Command(name = "resume", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Continue a run from its newest intact checkpoint, to the result an uninterrupted run gives.",
            "Works from any folder: the run's plugin folders are recorded absolute (relative ones from older runs"
                + " are resolved against the folder the run was started from)."},
        footerHeading = "%n",
        footer = {"Example: perennial resume runs/continual-vqa-20261207-081500",
            "Exit codes: 0 ok, 1 run failed, 2 bad input, 130 interrupted."})
final class ResumeCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    PerennialCli.Help help;


    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "The run folder (holds experiment.json and"
            + " checkpoints/).")
    Path runDirectory;

    @Option(names = "--plugin-dir", paramLabel = "DIR",
            description = "A folder of plugin jars, replacing the folders the run recorded (repeatable; for jars"
                    + " that have moved).")
    List<Path> pluginDirectories = new ArrayList<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(runDirectory.resolve("experiment.json"))) {
            throw new IllegalArgumentException("resume: " + runDirectory + (Files.isDirectory(runDirectory)
                    ? " is not a run folder (it has no experiment.json)" : " does not exist")
                    + "; give a folder that `perennial run` made, e.g. runs/NAME-TIME");
        }
        Logging.loadEngineQuietly();
        RunReport report = Perennial.resume(runDirectory, pluginDirectories,
                new ProgressBar(PerennialCli.stream(spec.commandLine().getErr()), System.console() != null));
        RunOutput.printEnd(report, spec.commandLine().getOut());
        return PerennialCli.OK;
    }
}
