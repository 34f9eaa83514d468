package dev.perennial.benchmarks.perf;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LearnerProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/** Registers {@code step-benchmark}, the loop-overhead benchmark's learner over one of its three models. */
@PluginName("step-benchmark")
public final class StepLearnerProvider extends AbstractPluginProvider<StepLearnerConfig, Learner>
        implements LearnerProvider<StepLearnerConfig> {
    /** Creates the provider. */
    public StepLearnerProvider() {
        super(SpiVersion.CURRENT, "0.1.0", StepLearnerConfig.class,
                () -> new StepLearnerConfig(StepWorkload.RESNET18_CIFAR.id(), 0),
                "Loop-overhead benchmark: softmax cross-entropy on ViT-S/16, ResNet-18-CIFAR or a LLaMA-block"
                + " classifier.");
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL);
    }

    @Override
    public Learner create(StepLearnerConfig config, PluginContext context) {
        return new StepLearner(config, context);
    }
}
