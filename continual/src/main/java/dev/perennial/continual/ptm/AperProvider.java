package dev.perennial.continual.ptm;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.spi.Capability;
import dev.perennial.spi.ConfigDoc;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LearnerProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/**
 * {@code aper}: APER (ADAM), PET tuning on the first task, then prototypes of the concatenated PTM and adapted features. See {@link PtmBaselineLearner}.
 */
@PluginName("aper")
public final class AperProvider implements LearnerProvider<AperProvider.Config> {

    /**
     * Configuration.
     *
     * @param backbone the PTM and the PET module tuned on the first task
     * @param featureBatchSize batch size of the prototype passes
     */
    public record Config(
        @ConfigDoc("The pre-trained ViT (checkpoint, architecture, PET module).") @JsonProperty("backbone")
        PtmBackboneConfig backbone,
        @ConfigDoc("Batch size of the no-gradient feature passes, >= 1. Default 64.") @JsonProperty("featureBatchSize")
        int featureBatchSize) {
        /** Validates. */
        public Config {
            backbone = backbone == null ? PtmBackboneConfig.defaults() : backbone;
            ConfigChecks.requireBatch(featureBatchSize, "aper");
        }
    }

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Config defaultConfig() {
        return new Config(PtmBackboneConfig.defaults(), 64);
    }

    @Override
    public String description() {
        return "APER (ADAM), PET tuning on the first task, then prototypes of the concatenated PTM and adapted features.";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL, Capability.STATEFUL);
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        return new PtmBaselineLearner(PtmBaselineLearner.Method.APER, new PtmBaselineLearner.Settings(config.backbone(), true, false, 1,
                new double[] {1}, RidgeHead.Precision.FLOAT32, config.featureBatchSize(), 1.0), context, name());
    }
}
