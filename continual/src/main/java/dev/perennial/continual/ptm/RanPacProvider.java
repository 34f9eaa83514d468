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
 * {@code ranpac}: RanPAC, optional first-task PET tuning, then a random projection with ReLU and a ridge classifier. See {@link PtmBaselineLearner}.
 */
@PluginName("ranpac")
public final class RanPacProvider extends AbstractPluginProvider<RanPacProvider.Config, Learner>
        implements LearnerProvider<RanPacProvider.Config> {
    /** Creates the provider. */
    public RanPacProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Config.class,
                () -> new Config(PtmBackboneConfig.defaults(), true, 10000, null, "float32", 64, 1.0, ""),
                "RanPAC, optional first-task PET tuning, then a random projection with ReLU and a ridge classifier.");
    }

    /**
     * Configuration.
     *
     * @param backbone the PTM and the PET module
     * @param firstSessionAdaptation tune the PET module on the first task (RanPAC phase 1)
     * @param projectionWidth M
     * @param ridgeLambdas the λ grid
     * @param ridgeSolvePrecision float32 or float64
     * @param featureBatchSize batch size of the feature passes
     * @param sigma the constant σ that multiplies the analytic logits (scores' temperature, never their arg-max)
     * @param firstSessionStatistics a first-session statistics file, or "" for none
     */
    public record Config(
        @ConfigDoc("The pre-trained ViT (checkpoint, architecture, PET module).") @JsonProperty("backbone")
        PtmBackboneConfig backbone,
        @ConfigDoc("Tune the PET module on the first task before the analytic head (RanPAC phase 1). Default true.")
        @JsonProperty("firstSessionAdaptation") boolean firstSessionAdaptation,
        @ConfigDoc("M, width of the random projection, >= 1. Default 10000.") @JsonProperty("projectionWidth")
        int projectionWidth,
        @ConfigDoc("Candidate ridge λ values (> 0), chosen on an 80/20 split of each task's training features. "
                + "Default RanPAC's own grid 1e-8, 1e-7, ..., 1e8 (17 values; SAFE's grid is 1e3..1e8).")
        @JsonProperty("ridgeLambdas") List<Double> ridgeLambdas,
        @ConfigDoc("Precision of the ridge statistics and solve: float32 (default) or float64.")
        @JsonProperty("ridgeSolvePrecision") String ridgeSolvePrecision,
        @ConfigDoc("Batch size of the no-gradient feature passes, >= 1. Default 64.") @JsonProperty("featureBatchSize")
        int featureBatchSize,
        @ConfigDoc("σ, the constant that multiplies the analytic logits (the scores' temperature; never changes the "
                + "predicted class), > 0. Default 1 as official RanPAC; 10 gives this SDK's earlier scores.")
        @JsonProperty("sigma") double sigma,
        @ConfigDoc("First-session statistics file (bin/perennial-spark feature-stats, docs/distributed-feature-statistics.md)"
                + " read (with firstSessionAdaptation: false) instead of the first session's own pass over the data;"
                + " checked against this learner's classes,"
                + " feature width, projection and split seeds and checkpoint hash. Empty (default): none.")
        @JsonProperty("firstSessionStatistics") String firstSessionStatistics) {
        /** Validates. */
        public Config {
            firstSessionStatistics = firstSessionStatistics == null ? "" : firstSessionStatistics;
            if (!firstSessionStatistics.isEmpty() && firstSessionAdaptation) {
                throw new IllegalArgumentException("ranpac: 'firstSessionStatistics' needs 'firstSessionAdaptation: "
                        + "false' (the adapted backbone is trained in the first session, so its features are not "
                        + "known before it)");
            }
            backbone = backbone == null ? PtmBackboneConfig.defaults() : backbone;
            ridgeLambdas = ridgeLambdas == null ? java.util.Arrays.stream(RidgeHead.RANPAC_LAMBDAS).boxed().toList()
                    : List.copyOf(ridgeLambdas);
            ConfigChecks.lambdas(ridgeLambdas, "ranpac");
            ridgeSolvePrecision = ridgeSolvePrecision == null ? "float32" : ridgeSolvePrecision;
            if (!List.of("float32", "float64").contains(ridgeSolvePrecision)) {
                throw new IllegalArgumentException("ranpac: 'ridgeSolvePrecision' must be float32 or float64, was '"
                        + ridgeSolvePrecision + "'");
            }
            if (projectionWidth < 1) {
                throw new IllegalArgumentException("ranpac: 'projectionWidth' must be >= 1, was " + projectionWidth);
            }
            ConfigChecks.requireBatch(featureBatchSize, "ranpac");
            if (!(sigma > 0) || Double.isInfinite(sigma)) {
                throw new IllegalArgumentException("ranpac: 'sigma' must be a finite number > 0, was " + sigma);
            }
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL, Capability.STATEFUL);
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        return new PtmBaselineLearner(PtmBaselineLearner.Method.RANPAC, new PtmBaselineLearner.Settings(config.backbone(),
                config.firstSessionAdaptation(), false, config.projectionWidth(),
                ConfigChecks.lambdas(config.ridgeLambdas(), "ranpac"), config.ridgeSolvePrecision().equals("float64")
                        ? RidgeHead.Precision.FLOAT64 : RidgeHead.Precision.FLOAT32, config.featureBatchSize(),
                config.sigma(), config.firstSessionStatistics()), context, name());
    }
}
