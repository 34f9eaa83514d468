package dev.perennial.samples.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.perennial.api.checkpoint.CheckpointManifest;
import dev.perennial.api.checkpoint.CheckpointStore;
import dev.perennial.api.checkpoint.PluginRecord;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.api.registry.PluginRegistry;
import dev.perennial.continual.llaca.LlavaInstructionLearner;
import dev.perennial.llava.LlavaExport;
import dev.perennial.llava.LlavaLoraSetup;
import dev.perennial.llava.LlavaModel;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.io.SafetensorsWriter;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.NamedModules;
import dev.perennial.models.pet.LoraAdapter;
import dev.perennial.spi.Learner;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginKind;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.ScenarioInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code perennial export RUN_DIR --format hf|peft --out DIR}: the learner's model of a run's newest intact
 * checkpoint in a layout other tools read.
 *
 * <ul>
 *   <li>{@code hf}: for the LLaVA learners a llava-hf directory (config.json, model.safetensors or shards with
 *       model.safetensors.index.json, tokenizer.json copied) with LoRA merged ({@link LlavaExport#writeHf}); for
 *       other learners {@code model.safetensors} under the model's timm / torchvision / HF parameter names, LoRA
 *       merged where present.</li>
 *   <li>{@code peft}: for the LLaVA learners a PEFT adapter directory ({@link LlavaExport#writePeft}) whose
 *       {@code base_model_name_or_path} is the run's {@code model.checkpoint}; a run whose base was built from
 *       scratch (no checkpoint) gets that base written beside it as {@code DIR/base} (llava-hf, LoRA left out).</li>
 * </ul>
 *
 * <p>The learner is rebuilt from the run's {@code experiment.json} by its plugin (so the model has the run's shape),
 * its saved state is loaded (which injects LoRA when the run had), and every parameter is copied from the
 * checkpoint's model file.
 */
public final class RunExporter {
    /** The formats. */
    public static final List<String> FORMATS = List.of("hf", "peft");

    /** Hugging Face's default {@code max_shard_size} (5 GB). */
    public static final long MAX_SHARD_BYTES = 5_000_000_000L;

    private RunExporter() {}

    /**
     * Exports a run; what went wrong is one line on {@code err}.
     *
     * @param runDir the run folder (experiment.json, checkpoints/)
     * @param format {@code hf} or {@code peft}
     * @param out the output directory (created; must be empty or absent)
     * @param err where errors go
     * @return 0 on success, 2 for bad input (format, folder, a run without checkpoints), 1 when reading or writing
     *     failed
     */
    public static int export(Path runDir, String format, Path out, PrintStream err) {
        try (NDManager manager = NDManager.newBaseManager()) {
            if (!FORMATS.contains(format)) {
                throw new IllegalArgumentException("--format '" + format + "' is not one of " + FORMATS);
            }
            if (Files.isDirectory(out)) {
                try (var entries = Files.list(out)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalArgumentException("--out " + out + " is not empty; give a new or empty "
                                + "folder");
                    }
                }
            }
            LoadedRun run = load(runDir, manager);
            List<Path> written = write(run, format, out);
            err.println("perennial: exported " + runDir + " (" + run.checkpoint().getFileName() + ") as " + format
                    + " to " + out + ": " + written.size() + " files");
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("perennial: export: " + e.getMessage());
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("perennial: export failed: " + e.getMessage());
            return 1;
        }
    }

    /**
     * A run's learner with the newest checkpoint loaded.
     *
     * @param learner the learner (its model holds the checkpoint's weights)
     * @param checkpoint the checkpoint folder read
     */
    public record LoadedRun(Learner learner, Path checkpoint) {}

    /**
     * Rebuilds a run's learner and loads its newest intact checkpoint.
     *
     * @param runDir the run folder
     * @param manager where the model lives
     * @return the learner and the checkpoint read
     * @throws IllegalArgumentException if the folder is not a run or has no checkpoint
     */
    public static LoadedRun load(Path runDir, NDManager manager) {
        Path experiment = runDir.resolve("experiment.json");
        if (!Files.isRegularFile(experiment)) {
            throw new IllegalArgumentException(runDir + " is not a run folder: experiment.json is missing");
        }
        ExperimentConfig config = ExperimentFiles.read(experiment);
        CheckpointStore store = new CheckpointStore(runDir);
        Path checkpoint = store.latest().orElseThrow(() -> new IllegalArgumentException(runDir
                + " has no checkpoint to export (checkpoints/ is empty); let the run write one first"));
        CheckpointManifest manifest = store.readManifest(checkpoint);
        PluginRegistry registry = PluginRegistry.load(config.pluginDirectories().stream().map(Path::of).toList());
        Learner learner = registry.create(PluginKind.LEARNER, config.learner().name(), config.learner().config(),
                context(config.learner().name(), manager, config.seed(), runDir), experiment + ": learner");
        PluginRecord record = manifest.plugins().stream().filter(r -> r.slot().equals("learner")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(checkpoint + " has no learner state"));
        Map<String, NDArray> stateTensors = record.tensorFile() == null ? Map.of()
                : CheckpointStore.readTensors(checkpoint.resolve(record.tensorFile()), manager);
        learner.loadState(new PluginState(record.stateSchemaVersion(), stateTensors,
                record.values() == null ? Map.of() : record.values()));
        Map<String, NDArray> tensors = CheckpointStore.readTensors(checkpoint.resolve(manifest.modelFile()), manager);
        int copied = 0;
        for (Pair<String, Parameter> p : learner.model().getParameters()) {
            NDArray saved = tensors.get("learner/" + p.getKey());
            if (saved == null) {
                throw new IllegalArgumentException(checkpoint.resolve(manifest.modelFile()) + " has no tensor learner/"
                        + p.getKey() + "; was the run written by another version of learner '"
                        + config.learner().name() + "'?");
            }
            NDArray target = p.getValue().getArray();
            saved.toType(target.getDataType(), false).copyTo(target);
            copied++;
        }
        if (copied == 0) {
            throw new IllegalArgumentException("learner '" + config.learner().name() + "' has no parameters to export");
        }
        return new LoadedRun(learner, checkpoint);
    }

    private static List<Path> write(LoadedRun run, String format, Path out) throws IOException {
        Learner learner = run.learner();
        if (learner instanceof LlavaInstructionLearner llava && learner.model() instanceof LlavaModel model) {
            Optional<LlavaLoraSetup> lora = llava.loraSetup();
            if (format.equals("hf")) {
                return LlavaExport.writeHf(model, lora.map(LlavaLoraSetup::lora), Optional.of(llava.tokenizerFile()),
                        out, MAX_SHARD_BYTES);
            }
            if (lora.isEmpty()) {
                throw new IllegalArgumentException("the run's checkpoint has no LoRA adapter yet (it was written "
                        + "before the first LoRA task); export --format hf instead");
            }
            String base = llava.modelConfig().checkpoint();
            List<Path> written = new java.util.ArrayList<>();
            if (base.isEmpty()) {
                Path baseDir = out.resolve("base");
                written.addAll(LlavaExport.writeHf(model, Optional.empty(), Optional.of(llava.tokenizerFile()),
                        baseDir, MAX_SHARD_BYTES));
                base = baseDir.toAbsolutePath().toString();
            }
            written.addAll(LlavaExport.writePeft(model, lora.get().lora(), base, true, out));
            return written;
        }
        if (format.equals("peft")) {
            throw new IllegalArgumentException("--format peft needs a LoRA-tuned LLaVA learner (llaca, lora-seq, "
                    + "ema-fixed, multitask); this run's learner is '" + learner.getClass().getSimpleName()
                    + "': use --format hf");
        }
        return List.of(writePlain(learner.model(), out));
    }

    /** Parameters under their ecosystem names, LoRA merged into the layers that carry it. */
    private static Path writePlain(Block model, Path out) throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        ParameterNames.of(model).forEach((name, p) -> {
            if (!name.contains(".lora_A.") && !name.contains(".lora_B.")) {
                tensors.put(name, p.getArray());
            }
        });
        try (NDManager scope = NDManager.newBaseManager()) {
            NamedModules.of(model).forEach((name, block) -> {
                if (block instanceof Linear linear && linear.adapter().orElse(null) instanceof LoraAdapter lora) {
                    tensors.put(name + ".weight", lora.mergedWeight(scope));
                }
            });
            Files.createDirectories(out);
            Path file = out.resolve("model.safetensors");
            SafetensorsWriter.write(file, tensors);
            return file;
        }
    }

    private static PluginContext context(String name, NDManager runManager, long seed, Path runDir) {
        NDManager manager = runManager.newSubManager();
        return new PluginContext() {
            @Override
            public String pluginName() {
                return name;
            }

            @Override
            public NDManager manager() {
                return manager;
            }

            @Override
            public ai.djl.Device device() {
                return manager.getDevice();
            }

            @Override
            public long seed() {
                return seed;
            }

            @Override
            public Path workDirectory() {
                Path dir = runDir.resolve("plugins").resolve("learner");
                try {
                    Files.createDirectories(dir);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create " + dir, e);
                }
                return dir;
            }

            @Override
            public Optional<ScenarioInfo> scenario() {
                return Optional.empty();
            }
        };
    }
}
