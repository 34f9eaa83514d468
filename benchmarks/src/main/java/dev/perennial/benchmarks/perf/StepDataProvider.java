package dev.perennial.benchmarks.perf;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.IntStream;

/**
 * Registers {@code step-benchmark-data}: examples held in memory (input {@code image} of the workload's shape, label
 * {@code i mod 10}), so the loop side of the loop-overhead benchmark reads the same values as the bare-DJL side and
 * measures the loop, not image decoding (the data path is measured on its own by {@link CifarDataPath}).
 */
@PluginName("step-benchmark-data")
public final class StepDataProvider extends AbstractPluginProvider<StepDataConfig, DatasetSource>
        implements DatasetSourceProvider<StepDataConfig> {
    /** Creates the provider. */
    public StepDataProvider() {
        super(SpiVersion.CURRENT, "0.1.0", StepDataConfig.class,
                () -> new StepDataConfig(StepWorkload.RESNET18_CIFAR.id(), 64, 10, 64, 0),
                "Loop-overhead benchmark: random in-memory inputs of one benchmark model's shape, labels i mod 10.");
    }

    @Override
    public DatasetSource create(StepDataConfig config, PluginContext context) {
        StepWorkload workload = StepWorkload.of(config.workload());
        HostTensors pool = new HostTensors(workload, config.poolSize(), config.seed());
        DatasetSplit train = new PoolSplit(workload, pool, 0, config.trainExamples());
        DatasetSplit test = new PoolSplit(workload, pool, config.trainExamples(), config.testExamples());
        return new DatasetSource() {
            @Override
            public DatasetSplit train() {
                return train;
            }

            @Override
            public DatasetSplit test() {
                return test;
            }

            @Override
            public String describe() {
                return "step-benchmark-data " + workload.id() + " (random, in memory)";
            }
        };
    }

    /** Examples {@code offset … offset + size − 1} of the pool. */
    private record PoolSplit(StepWorkload workload, HostTensors pool, int offset, int size) implements DatasetSplit {
        @Override
        public int[] labels() {
            return IntStream.range(0, size).map(i -> HostTensors.label(offset + i)).toArray();
        }

        @Override
        public Example get(int index) {
            if (index < 0 || index >= size) {
                throw new IndexOutOfBoundsException("step-benchmark-data: index " + index + " of " + size);
            }
            int i = offset + index;
            return new Example(i, OptionalInt.of(HostTensors.label(i)),
                    Map.of("image", new Feature.Floats(pool.sample(i), workload.sampleShape())), Map.of());
        }

        @Override
        public List<String> classNames() {
            return IntStream.range(0, StepWorkload.CLASSES).mapToObj(c -> "class-" + c).toList();
        }
    }
}
