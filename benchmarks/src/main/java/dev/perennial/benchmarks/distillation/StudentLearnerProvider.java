package dev.perennial.benchmarks.distillation;

import dev.perennial.distillation.ModelSpec;
import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LearnerProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/** Registers {@code distill-student}, the benchmark's supervised learner over a {@code models/} backbone. */
@PluginName("distill-student")
public final class StudentLearnerProvider extends AbstractPluginProvider<StudentLearnerConfig, Learner>
        implements LearnerProvider<StudentLearnerConfig> {
    /** Creates the provider. */
    public StudentLearnerProvider() {
        super(SpiVersion.CURRENT, "0.1.0", StudentLearnerConfig.class,
                () -> new StudentLearnerConfig(ModelSpec.of("resnet18", 10, 32), "image", ""),
                "Supervised cross-entropy on a models/ backbone, reporting logits, features and stage3 for"
                + " distillers.");
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL);
    }

    @Override
    public Learner create(StudentLearnerConfig config, PluginContext context) {
        return new StudentLearner(config, context);
    }
}
