package dev.perennial.benchmarks.perf;

import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Capability;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LearnerProvider;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.SpiVersion;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskData;
import dev.perennial.spi.TaskInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Registers {@code data-path-probe}: a learner with nothing to train that, before each task, reads the task's whole
 * training split through {@link TaskData#forEachBatch} — the loop's own data path: examples decoded and collated by
 * the loop's worker threads into a bounded prefetch queue, each batch copied into arrays on the calling thread —
 * once or more, and reports samples/s of each pass in its state values ({@code RunReport.pluginValues().get("learner")}).
 */
@PluginName("data-path-probe")
public final class DataPathProbe extends AbstractPluginProvider<DataPathProbeConfig, Learner>
        implements LearnerProvider<DataPathProbeConfig> {
    /** Creates the provider. */
    public DataPathProbe() {
        super(SpiVersion.CURRENT, "0.1.0", DataPathProbeConfig.class, () -> new DataPathProbeConfig(128, 2),
                "Benchmark: times one pass of the loop's data path over each task's training data; trains nothing.");
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL);
    }

    @Override
    public Learner create(DataPathProbeConfig config, PluginContext context) {
        return new Probe(config.batchSize(), config.passes());
    }

    /** The probe itself. */
    private static final class Probe implements Learner {
        private final int batchSize;
        private final int passes;
        private final Block none = new LambdaBlock(x -> x);
        private final Map<String, Object> measured = new LinkedHashMap<>();

        Probe(int batchSize, int passes) {
            this.batchSize = batchSize;
            this.passes = passes;
        }

        @Override
        public void beforeTask(TaskInfo task, TaskData data) {
            String key = "task" + task.index();
            for (int pass = 1; pass <= passes; pass++) {
                long[] samples = new long[1];
                long[] batches = new long[1];
                long start = System.nanoTime();
                data.forEachBatch(batchSize, (batch, step) -> {
                    samples[0] += batch.size();
                    batches[0]++;
                });
                double seconds = (System.nanoTime() - start) / 1e9;
                measured.put(key + ".samples", samples[0]);
                measured.put(key + ".batches", batches[0]);
                measured.put(key + ".pass" + pass + ".seconds", seconds);
                measured.put(key + ".pass" + pass + ".samplesPerSecond", samples[0] / seconds);
            }
        }

        @Override
        public Block model() {
            return none;
        }

        @Override
        public LossTerms loss(Batch batch, StepContext step) {
            throw new IllegalStateException("data-path-probe has nothing to train; the loop should skip its steps");
        }

        @Override
        public Predictions predict(Batch batch, StepContext step) {
            return Predictions.ofClasses(new long[batch.size()]);
        }

        @Override
        public PluginState saveState(StepContext step) {
            return new PluginState(1, Map.of(), Map.copyOf(measured));
        }
    }
}
