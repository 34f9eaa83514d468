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
import java.util.List;
import java.util.Set;

/**
 * {@code ptm-finetune}: Sequential fine-tuning of a pre-trained ViT (all weights or its PET module) with a cosine head, the lower bound. See {@link PtmBaselineLearner}.
 */
@PluginName("ptm-finetune")
public final class PtmFinetuneProvider extends AbstractPluginProvider<PtmFinetuneProvider.Config, Learner>
        implements LearnerProvider<PtmFinetuneProvider.Config> {
    /** Creates the provider. */
    public PtmFinetuneProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Config.class, () -> new Config(PtmBackboneConfig.defaults(), "full"),
                "Sequential fine-tuning of a pre-trained ViT (all weights or its PET module) with a cosine head, the"
                + " lower bound.");
    }

    /**
     * Configuration.
     *
     * @param backbone the PTM and the PET module
     * @param tune full (every weight) or pet (the PET module only)
     */
    public record Config(
        @ConfigDoc("The pre-trained ViT (checkpoint, architecture, PET module).") @JsonProperty("backbone")
        PtmBackboneConfig backbone,
        @ConfigDoc("What trains: full (every weight of the ViT, default) or pet (only the PET module).")
        @JsonProperty("tune") String tune) {
        /** Validates. */
        public Config {
            backbone = backbone == null ? PtmBackboneConfig.defaults() : backbone;
            tune = tune == null ? "full" : tune;
            if (!List.of("full", "pet").contains(tune)) {
                throw new IllegalArgumentException("ptm-finetune: 'tune' must be full or pet, was '" + tune + "'");
            }
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL, Capability.STATEFUL);
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        return new PtmBaselineLearner(PtmBaselineLearner.Method.FINETUNE, new PtmBaselineLearner.Settings(config.backbone(), false,
                config.tune().equals("full"), 1, new double[] {1}, RidgeHead.Precision.FLOAT32, 64, 1.0), context,
                name());
    }
}
