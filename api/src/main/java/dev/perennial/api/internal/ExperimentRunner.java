package dev.perennial.api.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.api.RunReport;
import dev.perennial.api.checkpoint.CheckpointException;
import dev.perennial.api.checkpoint.CheckpointManifest;
import dev.perennial.api.checkpoint.CheckpointStore;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.api.config.PluginRef;
import dev.perennial.api.events.CsvMetricsLog;
import dev.perennial.api.events.JsonLinesLog;
import dev.perennial.api.events.RunListener;
import dev.perennial.api.events.RunStarted;
import dev.perennial.api.loop.PluginInstance;
import dev.perennial.api.loop.ReplicaParameterStore;
import dev.perennial.api.loop.TrainingLoop;
import dev.perennial.api.registry.PluginRegistry;
import dev.perennial.api.report.HtmlReport;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.Distiller;
import dev.perennial.spi.Learner;
import dev.perennial.spi.Metric;
import dev.perennial.spi.PluginKind;
import dev.perennial.spi.Sampler;
import dev.perennial.spi.Scenario;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.TaskSplitter;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds a run from an experiment: plugins from the registry, the scenario, the run folder, the device; then
 * hands everything to the {@link TrainingLoop}. Wired by Guice ({@link RuntimeModule}).
 */
public final class ExperimentRunner {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ExperimentRunner.class);

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final PluginRegistry registry;
    private final Device device;

    @Inject
    ExperimentRunner(PluginRegistry registry, Device device) {
        this.registry = registry;
        this.device = device;
    }

    /**
     * Runs an experiment in a new run folder.
     *
     * @param config the experiment
     * @param source where the experiment came from, for messages
     * @param listeners observers
     * @return the report
     */
    public RunReport run(ExperimentConfig config, String source, List<RunListener> listeners) {
        validate(config, source);
        Path runDir = newRunDirectory(config);
        try {
            try (RunFolderLock lock = RunFolderLock.acquire(runDir)) {
                ExperimentFiles.writeJson(config, runDir.resolve("experiment.json"));
                return execute(config, source, runDir, listeners, Optional.empty());
            }
        } catch (RuntimeException | Error e) {
            removeIfUnused(runDir);
            throw e;
        }
    }

    /**
     * Checks an experiment without running it or touching the disk: every plugin it names exists and its
     * configuration binds (the plugin's record accepts it). {@link #run} calls this before it makes the run folder.
     *
     * @param config the experiment
     * @param source where the experiment came from, for messages
     * @throws dev.perennial.api.registry.PluginException when a plugin is unknown (with the nearest names) or broken
     * @throws dev.perennial.api.config.ConfigException when a plugin's configuration does not bind
     */
    public void validate(ExperimentConfig config, String source) {
        registry.bindConfig(PluginKind.DATASET_SOURCE, config.dataset().name(), config.dataset().config(),
                source + ": dataset");
        registry.bindConfig(PluginKind.SCENARIO, config.scenario().name(), config.scenario().config(),
                source + ": scenario");
        registry.bindConfig(PluginKind.LEARNER, config.learner().name(), config.learner().config(),
                source + ": learner");
        for (int i = 0; i < config.augmenters().size(); i++) {
            PluginRef ref = config.augmenters().get(i);
            registry.bindConfig(PluginKind.AUGMENTER, ref.name(), ref.config(), source + ": augmenter-" + i);
        }
        for (int i = 0; i < config.distillers().size(); i++) {
            PluginRef ref = config.distillers().get(i);
            registry.bindConfig(PluginKind.DISTILLER, ref.name(), ref.config(), source + ": distiller-" + i);
        }
        if (config.sampler() != null) {
            registry.bindConfig(PluginKind.SAMPLER, config.sampler().name(), config.sampler().config(),
                    source + ": sampler");
        }
        for (int i = 0; i < config.metrics().size(); i++) {
            PluginRef ref = config.metrics().get(i);
            registry.bindConfig(PluginKind.METRIC, ref.name(), ref.config(), source + ": metric-" + i);
        }
    }

    /**
     * Removes a run folder that a failed start left with nothing but {@code experiment.json} and the lock (e.g. a
     * data set folder that does not exist, found when the plugin is created): it holds no result and would only
     * look like a run. A folder with anything else in it stays.
     */
    private static void removeIfUnused(Path runDir) {
        try (var entries = Files.list(runDir)) {
            List<Path> files = entries.toList();
            boolean unused = files.stream().map(f -> f.getFileName().toString())
                    .allMatch(n -> n.equals("experiment.json") || n.equals(RunFolderLock.FILE));
            if (unused) {
                for (Path f : files) {
                    Files.deleteIfExists(f);
                }
                Files.deleteIfExists(runDir);
            }
        } catch (IOException | UncheckedIOException e) {
            // Cleaning up after a failure must not hide that failure; the folder stays.
        }
    }

    /**
     * Continues a run from its newest intact checkpoint (a corrupt one is passed over with a warning to the
     * listeners). A run whose last task is checkpointed and whose {@code report.json} exists has nothing left to
     * do: its report is read back and returned, the files are left as they were, and {@link RunStarted} says so
     * ({@code resumedFromTask} equals the number of tasks).
     *
     * @param runDirectory the run's folder (with {@code experiment.json} and {@code checkpoints/})
     * @param listeners observers
     * @return the report
     * @throws dev.perennial.api.RunFolderInUseException when another run holds the folder
     * @throws CheckpointException when the folder has no checkpoint, or none is intact
     */
    public RunReport resume(Path runDirectory, List<RunListener> listeners) {
        Path file = runDirectory.resolve("experiment.json");
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(runDirectory + " is not a run folder: it has no experiment.json");
        }
        try (RunFolderLock lock = RunFolderLock.acquire(runDirectory)) {
            ExperimentConfig config = ExperimentFiles.read(file);
            Path checkpoint = new CheckpointStore(runDirectory)
                    .latest(w -> listeners.forEach(l -> l.onWarning(w)))
                    .orElseThrow(() -> new CheckpointException(runDirectory + " has no checkpoint yet (checkpoints/"
                            + " has none); start it again with run"));
            return execute(config, file.toString(), runDirectory, listeners, Optional.of(checkpoint));
        }
    }

    /** The report of a run whose checkpoint has no task left, when its report.json reads; else empty. */
    private static Optional<RunReport> finishedReport(Path runDir, Path checkpoint, Scenario scenario,
                                                      List<RunListener> listeners) {
        CheckpointManifest m = new CheckpointStore(runDir).readManifest(checkpoint);
        if (m.nextTask() < scenario.tasks().size()) {
            return Optional.empty();
        }
        Path file = runDir.resolve("report.json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), RunReport.class));
        } catch (IOException e) {
            listeners.forEach(l -> l.onWarning(file + " could not be read (" + e.getMessage().lines().findFirst().orElse("")
                    + "); writing it again from " + checkpoint));
            return Optional.empty();
        }
    }

    private RunReport execute(ExperimentConfig config, String source, Path runDir, List<RunListener> listeners,
                              Optional<Path> resume) {
        try (NDManager manager = NDManager.newBaseManager(DeviceSelection.first(config.devices(), device))) {
            ReplicaParameterStore parameters = DeviceSelection.parameterStore(config, manager);
            // Once per JVM: libtorch's multi-threaded CPU convolution backward is wrong on some processors.
            CpuKernelCheck.ensure(manager.getDevice(), w -> {
                LOG.warn(w);
                listeners.forEach(l -> l.onWarning(w));
            });
            long seed = config.seed();
            boolean paired = config.pairedSeeds();
            DatasetSource data = registry.create(PluginKind.DATASET_SOURCE, config.dataset().name(),
                    config.dataset().config(), new RunContext("dataset", config.dataset().name(), manager, seed,
                            paired, runDir, null), source + ": dataset");
            TaskSplitter splitter = registry.create(PluginKind.SCENARIO, config.scenario().name(),
                    config.scenario().config(), new RunContext("scenario", config.scenario().name(), manager, seed,
                            paired, runDir, null), source + ": scenario");
            Scenario scenario = splitter.split(data);
            if (resume.isPresent()) {
                Optional<RunReport> finished = finishedReport(runDir, resume.get(), scenario, listeners);
                if (finished.isPresent()) {
                    closeIfNeeded(data);
                    RunStarted started = new RunStarted(config.name(), runDir, manager.getDevice().toString(),
                            scenario.tasks().stream().map(t -> t.info().name()).toList(), scenario.tasks().size());
                    listeners.forEach(l -> l.onRunStart(started));
                    listeners.forEach(l -> l.onRunEnd(finished.get()));
                    return finished.get();
                }
            }
            ScenarioInfo info = scenario.info();
            PluginInstance<Learner> learner = instance(PluginKind.LEARNER, "learner", config.learner(), manager,
                    seed, paired, runDir, info, source, parameters);
            List<PluginInstance<Augmenter>> augmenters = new ArrayList<>();
            for (int i = 0; i < config.augmenters().size(); i++) {
                augmenters.add(instance(PluginKind.AUGMENTER, "augmenter-" + i, config.augmenters().get(i), manager,
                        seed, paired, runDir, info, source, parameters));
            }
            List<PluginInstance<Distiller>> distillers = new ArrayList<>();
            for (int i = 0; i < config.distillers().size(); i++) {
                distillers.add(instance(PluginKind.DISTILLER, "distiller-" + i, config.distillers().get(i), manager,
                        seed, paired, runDir, info, source, parameters));
            }
            Optional<PluginInstance<Sampler>> sampler = config.sampler() == null ? Optional.empty()
                    : Optional.of(instance(PluginKind.SAMPLER, "sampler", config.sampler(), manager, seed, paired, runDir,
                    info, source));
            List<PluginInstance<Metric>> metrics = new ArrayList<>();
            for (int i = 0; i < config.metrics().size(); i++) {
                metrics.add(instance(PluginKind.METRIC, "metric-" + i, config.metrics().get(i), manager, seed,
                        paired, runDir, info, source));
            }
            List<RunListener> all = new ArrayList<>(listeners);
            all.add(new JsonLinesLog(runDir.resolve("metrics.jsonl"), resume.isPresent()));
            if (resume.isPresent()) {
                CheckpointManifest m = new CheckpointStore(runDir).readManifest(resume.get());
                all.add(CsvMetricsLog.resumed(runDir, m.globalStep(), m.nextTask()));
            } else {
                all.add(CsvMetricsLog.fresh(runDir));
            }
            TrainingLoop loop = new TrainingLoop(new TrainingLoop.Plan(config, scenario, learner, augmenters,
                    distillers, sampler, metrics, runDir, manager, parameters), all);
            RunReport report;
            try {
                report = loop.run(resume);
            } finally {
                closeIfNeeded(data);
            }
            writeReport(report, runDir.resolve("report.json"));
            HtmlReport.write(report, config, runDir.resolve(HtmlReport.FILE_NAME));
            all.forEach(l -> l.onRunEnd(report));
            return report;
        }
    }

    private static void closeIfNeeded(Object resource) {
        if (resource instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // closing a read-only data source cannot lose data; the run's result stands
            }
        }
    }

    private <P> PluginInstance<P> instance(PluginKind kind, String slot, PluginRef ref, NDManager manager, long seed,
                                           boolean paired, Path runDir, ScenarioInfo info, String source) {
        return instance(kind, slot, ref, manager, seed, paired, runDir, info, source, null);
    }

    private <P> PluginInstance<P> instance(PluginKind kind, String slot, PluginRef ref, NDManager manager, long seed,
                                           boolean paired, Path runDir, ScenarioInfo info, String source,
                                           ReplicaParameterStore parameters) {
        P plugin = registry.create(kind, ref.name(), ref.config(),
                new RunContext(slot, ref.name(), manager, seed, paired, runDir, info, parameters), source + ": " + slot);
        String version = registry.provider(kind, ref.name()).version();
        return new PluginInstance<>(slot, ref.name(), version, plugin);
    }

    private static void writeReport(RunReport report, Path file) {
        try {
            JSON.writeValue(file.toFile(), report);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    private static Path newRunDirectory(ExperimentConfig config) {
        Path base = Path.of(config.runDirectory());
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        try {
            Files.createDirectories(base);
            for (int i = 0; ; i++) {
                Path dir = base.resolve(config.name() + "-" + stamp + (i == 0 ? "" : "-" + i));
                try {
                    return Files.createDirectory(dir);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    // another run started in the same second: take the next suffix
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run folder under " + base + " (runDirectory)", e);
        }
    }

    /**
     * The JSON form of a tree, for messages.
     *
     * @param node the tree
     * @return compact JSON
     */
    static String compact(JsonNode node) {
        return node == null ? "{}" : node.toString();
    }
}
