package dev.perennial.continual.ptm;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.ConfigDoc;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LearnerProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/**
 * {@code simplecil}: SimpleCIL, class-mean prototypes of the frozen pre-trained model in a cosine classifier. See {@link PtmBaselineLearner}.
 */
@PluginName("simplecil")
public final class SimpleCilProvider extends AbstractPluginProvider<SimpleCilProvider.Config, Learner>
        implements LearnerProvider<SimpleCilProvider.Config> {
    /** Creates the provider. */
    public SimpleCilProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Config.class, () -> new Config(PtmBackboneConfig.defaults(), 64, ""),
                "SimpleCIL, class-mean prototypes of the frozen pre-trained model in a cosine classifier.");
    }

    /**
     * Configuration.
     *
     * @param backbone the PTM (its PET module is not used)
     * @param featureBatchSize batch size of the prototype passes
     * @param firstSessionStatistics a first-session statistics file, or "" for none
     */
    public record Config(
        @ConfigDoc("The pre-trained ViT (checkpoint, architecture, PET module).") @JsonProperty("backbone")
        PtmBackboneConfig backbone,
        @ConfigDoc("Batch size of the no-gradient feature passes, >= 1. Default 64.") @JsonProperty("featureBatchSize")
        int featureBatchSize,
        @ConfigDoc("First-session statistics file (bin/perennial-spark feature-stats, docs/distributed-feature-statistics.md)"
                + " read instead of the first session's own pass over the data; checked against this learner's classes,"
                + " feature width, projection and split seeds and checkpoint hash. Empty (default): none.")
        @JsonProperty("firstSessionStatistics") String firstSessionStatistics) {
        /** Validates. */
        public Config {
            firstSessionStatistics = firstSessionStatistics == null ? "" : firstSessionStatistics;
            backbone = backbone == null ? PtmBackboneConfig.defaults() : backbone;
            ConfigChecks.requireBatch(featureBatchSize, "simplecil");
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL, Capability.STATEFUL);
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        return new PtmBaselineLearner(PtmBaselineLearner.Method.SIMPLECIL, new PtmBaselineLearner.Settings(config.backbone(), false, false, 1,
                new double[] {1}, RidgeHead.Precision.FLOAT32, config.featureBatchSize(), 1.0,
                config.firstSessionStatistics()), context, name());
    }
}
