package dev.perennial.samples;

import dev.perennial.samples.export.RunExporter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code perennial export RUN_DIR --format hf|peft --out DIR}: {@link RunExporter} from the command line. */
@Command(name = "export", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Write a LLaVA run's newest checkpoint in a standard layout that tools outside Perennial load.",
            "hf: a llava-hf directory (config.json, sharded safetensors with an index, tokenizer files) with LoRA"
                + " merged into the weights.",
            "peft: a PEFT adapter directory (adapter_config.json, adapter_model.safetensors under PEFT names);"
                + " a learner's model.loraAdapter loads it back onto the base checkpoint."},
        footerHeading = "%n",
        footer = {"Example: perennial export runs/continual-vqa-20261207-081500 --format peft --out adapter/",
            "Exit codes: 0 ok, 1 reading or writing failed, 2 bad input (format, folder, a run without"
                + " checkpoints)."})
final class ExportCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    PerennialCli.Help help;

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "The run folder (holds experiment.json and"
            + " checkpoints/).")
    Path runDirectory;

    @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "hf or peft.")
    String format;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR",
            description = "The output directory (created; must be absent or empty).")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Logging.loadEngineQuietly();
        return RunExporter.export(runDirectory, format, out, PerennialCli.stream(spec.commandLine().getErr()));
    }
}
