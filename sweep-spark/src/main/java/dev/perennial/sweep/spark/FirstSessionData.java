package dev.perennial.sweep.spark;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.api.loop.Seeds;
import dev.perennial.api.registry.PluginRegistry;
import dev.perennial.continual.ptm.AperProvider;
import dev.perennial.continual.ptm.FirstSessionModel;
import dev.perennial.continual.ptm.FirstSessionPass;
import dev.perennial.continual.ptm.FirstSessionStatistics;
import dev.perennial.continual.ptm.PtmBackboneConfig;
import dev.perennial.continual.ptm.PtmBaselineLearner;
import dev.perennial.continual.ptm.RanPacProvider;
import dev.perennial.continual.ptm.RidgeHead;
import dev.perennial.continual.ptm.SimpleCilProvider;
import dev.perennial.continual.safe.SafeConfig;
import dev.perennial.continual.safe.SafeLearner;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginKind;
import dev.perennial.spi.Scenario;
import dev.perennial.spi.Task;
import dev.perennial.spi.TaskSplitter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * An experiment's first task as the SDK builds it: the data set and scenario plugins of the experiment file (the
 * same registry, configuration binding and seeds as {@code perennial run}), the first task's training split (row
 * {@code i} is the {@code i}-th sample of the learner's own first-session pass), and the learner's
 * {@link FirstSessionStatistics.Header} (for aper and safe: of the first session's adapted model, the file the
 * learner's {@code firstSessionExport} wrote, given as {@code --adapted}). The driver opens it to plan the job; every executor opens it again from the
 * experiment file (on a path all nodes share) to decode its rows.
 */
final class FirstSessionData implements AutoCloseable {
    private final ExperimentConfig config;
    private final NDManager manager;
    private final DatasetSource source;
    private final Task first;
    private final PtmBackboneConfig backbone;
    private final int batchSize;
    private final FirstSessionModel model;
    private final FirstSessionStatistics.Header header;

    private FirstSessionData(ExperimentConfig config, NDManager manager, DatasetSource source, Task first,
                             PtmBackboneConfig backbone, int batchSize, FirstSessionModel model,
                             FirstSessionStatistics.Header header) {
        this.config = config;
        this.manager = manager;
        this.source = source;
        this.first = first;
        this.backbone = backbone;
        this.batchSize = batchSize;
        this.model = model;
        this.header = header;
    }

    /**
     * Opens the experiment's data and first task.
     *
     * @param experiment the experiment file
     * @return the first task
     * @throws IllegalArgumentException naming the file and field when the learner has no first-session pass
     */
    static FirstSessionData open(Path experiment) {
        return open(experiment, null);
    }

    /**
     * Opens the experiment's data and first task, with the first session's adapted model for aper and safe.
     *
     * @param experiment the experiment file
     * @param adapted the learner's exported first-session model (aper, safe), or null
     * @return the first task
     * @throws IllegalArgumentException naming the file and field when the learner and {@code adapted} do not fit
     */
    static FirstSessionData open(Path experiment, Path adapted) {
        ExperimentConfig config = ExperimentFiles.read(experiment);
        PluginRegistry registry = PluginRegistry.load(config.pluginDirectories().stream().map(Path::of).toList());
        String learner = config.learner().name();
        String where = experiment + ": learner";
        PtmBaselineLearner.Method method = null;
        PtmBaselineLearner.Settings settings = null;
        SafeConfig safe = null;
        Record bound = registry.bindConfig(PluginKind.LEARNER, learner, config.learner().config(), where);
        if (bound instanceof SimpleCilProvider.Config c) {
            method = PtmBaselineLearner.Method.SIMPLECIL;
            settings = new PtmBaselineLearner.Settings(c.backbone(), false, false, 1, new double[] {1},
                    RidgeHead.Precision.FLOAT32, c.featureBatchSize(), 1.0);
        } else if (bound instanceof RanPacProvider.Config c) {
            if (c.firstSessionAdaptation()) {
                throw new IllegalArgumentException(where + ": ranpac tunes its backbone in the first session"
                        + " (firstSessionAdaptation: true), so its statistics need that session; set"
                        + " firstSessionAdaptation: false");
            }
            method = PtmBaselineLearner.Method.RANPAC;
            settings = new PtmBaselineLearner.Settings(c.backbone(), false, false, c.projectionWidth(),
                    new double[] {1}, RidgeHead.Precision.FLOAT64, c.featureBatchSize(), c.sigma());
        } else if (bound instanceof AperProvider.Config c) {
            method = PtmBaselineLearner.Method.APER;
            settings = new PtmBaselineLearner.Settings(c.backbone(), true, false, 1, new double[] {1},
                    RidgeHead.Precision.FLOAT32, c.featureBatchSize(), 1.0);
        } else if (bound instanceof SafeConfig c) {
            safe = c;
        } else {
            throw new IllegalArgumentException(where + " is '" + learner + "'; first-session statistics are computed "
                    + "for " + FirstSessionStatistics.METHODS + " (ranpac with firstSessionAdaptation: false)");
        }
        boolean adapts = safe != null || method == PtmBaselineLearner.Method.APER;
        if (adapts && adapted == null) {
            throw new IllegalArgumentException(where + " is '" + learner + "', which adapts its backbone in the first "
                    + "session: give --adapted FILE, the model its firstSessionExport wrote after that session");
        }
        if (!adapts && adapted != null) {
            throw new IllegalArgumentException("--adapted is for aper and safe; " + where + " is '" + learner
                    + "', whose first session adapts nothing");
        }
        PtmBackboneConfig backbone = safe != null ? safe.backbone() : settings.backbone();
        int batchSize = safe != null ? safe.featureBatchSize() : settings.featureBatchSize();
        NDManager manager = NDManager.newBaseManager();
        try {
            long seed = config.seed();
            boolean paired = config.pairedSeeds();
            DatasetSource source = registry.create(PluginKind.DATASET_SOURCE, config.dataset().name(),
                    config.dataset().config(), context(manager, config.dataset().name(),
                            Seeds.plugin(seed, "dataset", config.dataset().name(), paired)),
                    experiment + ": dataset");
            TaskSplitter splitter = registry.create(PluginKind.SCENARIO, config.scenario().name(),
                    config.scenario().config(), context(manager, config.scenario().name(),
                            Seeds.plugin(seed, "scenario", config.scenario().name(), paired)),
                    experiment + ": scenario");
            Scenario scenario = splitter.split(source);
            Task first = scenario.tasks().get(0);
            long pluginSeed = Seeds.plugin(seed, "learner", learner, paired);
            FirstSessionModel model = null;
            String adaptedHash = "";
            if (adapts) {
                model = FirstSessionModel.read(adapted, manager);
                model.requireMatches(safe != null ? "safe" : "aper", scenario.info().classCount(),
                        first.info().classes(), FirstSessionStatistics.checkpointHash(backbone.checkpoint()),
                        experiment + ": learner " + learner);
                adaptedHash = model.adaptedSha256();
            }
            FirstSessionStatistics.Header header = safe != null
                    ? SafeLearner.firstSessionHeader(safe, scenario.info().classCount(), first.info().classes(),
                            pluginSeed, first.train().size(), adaptedHash, first.info().index())
                    : PtmBaselineLearner.firstSessionHeader(method, settings, scenario.info().classCount(),
                            first.info().classes(), pluginSeed, first.train().size(), adaptedHash);
            return new FirstSessionData(config, manager, source, first, backbone, batchSize, model, header);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static PluginContext context(NDManager manager, String name, long seed) {
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
            public Device device() {
                return manager.getDevice();
            }

            @Override
            public long seed() {
                return seed;
            }

            @Override
            public Path workDirectory() {
                return Path.of(System.getProperty("java.io.tmpdir"));
            }

            @Override
            public Optional<dev.perennial.spi.ScenarioInfo> scenario() {
                return Optional.empty();
            }
        };
    }

    /** @return the experiment */
    ExperimentConfig config() {
        return config;
    }

    /** @return what the statistics describe */
    FirstSessionStatistics.Header header() {
        return header;
    }

    /** @return the learner's PTM */
    PtmBackboneConfig backbone() {
        return backbone;
    }

    /** @return the learner's feature batch size */
    int batchSize() {
        return batchSize;
    }

    /** @return a pass of this learner's first session (PTM, and the adapted model for aper and safe) */
    FirstSessionPass pass() {
        return new FirstSessionPass(header, backbone, model, manager);
    }

    /** @return the first task's training split, in the learner's pass order */
    DatasetSplit train() {
        return first.train();
    }

    /** @return the data set, in words */
    String describe() {
        return source.describe();
    }

    /** @return a manager for the pass */
    NDManager manager() {
        return manager;
    }

    /** The row ranges [from, to) of {@code parts} nearly equal contiguous parts of {@code n} rows. */
    static List<int[]> ranges(int n, int parts) {
        List<int[]> out = new java.util.ArrayList<>();
        for (int p = 0; p < parts; p++) {
            int from = (int) ((long) n * p / parts);
            int to = (int) ((long) n * (p + 1) / parts);
            if (to > from) {
                out.add(new int[] {from, to});
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (source instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // a read-only data source: nothing to lose
            }
        }
        manager.close();
    }
}
