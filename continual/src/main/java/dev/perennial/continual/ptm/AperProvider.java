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
 * {@code aper}: APER (ADAM), PET tuning on the first task, then prototypes of the concatenated PTM and adapted features. See {@link PtmBaselineLearner}.
 */
@PluginName("aper")
public final class AperProvider extends AbstractPluginProvider<AperProvider.Config, Learner>
        implements LearnerProvider<AperProvider.Config> {
    /** Creates the provider. */
    public AperProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Config.class, () -> new Config(PtmBackboneConfig.defaults(), 64, "", "", ""),
                "APER (ADAM), PET tuning on the first task, then prototypes of the concatenated PTM and adapted"
                + " features.");
    }

    /**
     * Configuration.
     *
     * @param backbone the PTM and the PET module tuned on the first task
     * @param featureBatchSize batch size of the prototype passes
     * @param firstSessionExport where the first session's adapted model is written, or ""
     * @param firstSessionModel a first-session model loaded instead of training the first session, or ""
     * @param firstSessionStatistics first-session statistics of that model read instead of the prototype pass, or ""
     */
    public record Config(
        @ConfigDoc("The pre-trained ViT (checkpoint, architecture, PET module).") @JsonProperty("backbone")
        PtmBackboneConfig backbone,
        @ConfigDoc("Batch size of the no-gradient feature passes, >= 1. Default 64.") @JsonProperty("featureBatchSize")
        int featureBatchSize,
        @ConfigDoc("Where the first session's adapted model (the adapted ViT and the tuning head, safetensors with its "
                + "content hash adaptedSha256) is written once the session has trained; the input of "
                + "bin/perennial-spark feature-stats --adapted (docs/distributed-feature-statistics.md). Needs "
                + "backbone.checkpoint. Empty (default): none.")
        @JsonProperty("firstSessionExport") String firstSessionExport,
        @ConfigDoc("A first-session model written by firstSessionExport, loaded at the first task instead of training "
                + "it (nothing trains in that session); checked against this learner's classes and checkpoint hash. "
                + "Empty (default): the session trains.")
        @JsonProperty("firstSessionModel") String firstSessionModel,
        @ConfigDoc("First-session statistics file (bin/perennial-spark feature-stats --adapted) read instead of the "
                + "first session's prototype pass; checked against this learner's classes, feature width, checkpoint "
                + "hash and the content hash of its adapted model (trained or loaded). Empty (default): none.")
        @JsonProperty("firstSessionStatistics") String firstSessionStatistics) {
        /** Validates. */
        public Config {
            backbone = backbone == null ? PtmBackboneConfig.defaults() : backbone;
            firstSessionExport = firstSessionExport == null ? "" : firstSessionExport;
            firstSessionModel = firstSessionModel == null ? "" : firstSessionModel;
            firstSessionStatistics = firstSessionStatistics == null ? "" : firstSessionStatistics;
            if (!(firstSessionExport + firstSessionModel + firstSessionStatistics).isEmpty()
                    && backbone.checkpoint().isEmpty()) {
                throw new IllegalArgumentException("aper: 'firstSessionExport', 'firstSessionModel' and "
                        + "'firstSessionStatistics' need backbone.checkpoint (random PTM weights differ between "
                        + "processes)");
            }
            ConfigChecks.requireBatch(featureBatchSize, "aper");
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL, Capability.STATEFUL);
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        return new PtmBaselineLearner(PtmBaselineLearner.Method.APER, new PtmBaselineLearner.Settings(config.backbone(), true, false, 1,
                new double[] {1}, RidgeHead.Precision.FLOAT32, config.featureBatchSize(), 1.0,
                config.firstSessionStatistics(), config.firstSessionModel(), config.firstSessionExport()), context,
                name());
    }
}
