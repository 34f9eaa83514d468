package dev.perennial.continual.safe;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.continual.ptm.PtmBackboneConfig;
import dev.perennial.continual.ptm.RidgeHead;
import dev.perennial.spi.ConfigDoc;
import java.util.List;

/**
 * Configuration of the {@code safe} learner. Defaults are the released CIFAR-100 configuration
 * ({@code cifar224_publish.csv}, safe.md §4) and the code-faithful flags of safe.md §4; {@link #imagenetA()}
 * gives the ImageNet-A row.
 *
 * @param backbone the PTM and PET module
 * @param lambdaDiag λ_diag, weight of L_diag in task 1
 * @param lambdaRdn λ_rdn, weight of L_rdn in task 1
 * @param lambdaCos λ_cos, weight of the fast learner's cosine alignment
 * @param lambdaCc λ_cc, weight of the cross-classification loss (0 turns it off, as on ImageNet-A)
 * @param gamma γ, the temperature of the entropy aggregation
 * @param inference how predictions combine the learners: entropy, slow, fast
 * @param projectionWidth M, the random projection width
 * @param ridgeLambdas the λ grid of the ridge heads
 * @param sharedRandomProjection one W_rand for both learners (code) or one each
 * @param sharedRidgeStatistics pooled G, Q for both learners (code) or one pair each
 * @param pooledStatisticsOrder with pooled statistics: {@code official} (SAFE.py: the fast head is solved on the
 *     statistics plus the fast rows with λ picked on its own rows, then the slow rows are added and the slow head
 *     is solved with λ picked on its rows) or {@code joint} (this SDK's earlier behaviour: one solve of both heads
 *     on all rows, one λ picked on an image-paired split of the pooled rows)
 * @param imprintSlowHeadNewClasses write class means of slow features into the slow head's rows of classes of
 *     tasks ≥ 2 (paper figure) instead of leaving them zero (code)
 * @param cosLossReduction sum (code) or mean over the batch
 * @param ridgeSolvePrecision float32 (code) or float64
 * @param featureBatchSize batch size of the no-gradient feature passes after each task
 * @param reportHeads diagnostic: also score every inference head (the ablations slow only, fast only, γ = 0) on
 *     each evaluation batch and write {@link InferenceHeadReport} to the work directory
 * @param secondForward compute the terms besides CE (L_diag, L_rdn in task 1; L_cos, L_cc later) on a second
 *     train-mode forward pass of the trained learner, with its own adapter-dropout draw, as SAFE.py does
 *     ({@code slow_cm} and {@code fast} call the network again); false reuses the CE pass's features (one forward,
 *     this SDK's earlier behaviour)
 * @param firstSessionExport where the first session's adapted model (slow ViT and slow head) is written, or ""
 * @param firstSessionModel a first-session model loaded at task 1 instead of training it, or ""
 * @param firstSessionStatistics first-session statistics of that model read instead of task 1's ridge pass, or ""
 */
public record SafeConfig(
        @ConfigDoc("The pre-trained ViT and its PET module (adapter, ssf, vpt).") @JsonProperty("backbone")
        PtmBackboneConfig backbone,
        @ConfigDoc("λ_diag: weight of the transfer loss's diagonal term in task 1, >= 0. Default 5e-10 (CIFAR).")
        @JsonProperty("lambdaDiag") double lambdaDiag,
        @ConfigDoc("λ_rdn: weight of the transfer loss's redundancy term in task 1, >= 0. Default 5e-9 (CIFAR).")
        @JsonProperty("lambdaRdn") double lambdaRdn,
        @ConfigDoc("λ_cos: weight of the fast learner's cosine alignment, >= 0. Default 0.5 (CIFAR; multiplies a "
                + "sum over the batch unless cosLossReduction is mean).") @JsonProperty("lambdaCos") double lambdaCos,
        @ConfigDoc("λ_cc: weight of the cross-classification loss, >= 0; 0 turns it off. Default 1 (CIFAR).")
        @JsonProperty("lambdaCc") double lambdaCc,
        @ConfigDoc("γ: temperature of the entropy aggregation, >= 0 (0 = plain average). Default 1 (CIFAR).")
        @JsonProperty("gamma") double gamma,
        @ConfigDoc("Prediction from task 2 on: entropy (aggregate slow and fast), slow, fast. Default entropy.")
        @JsonProperty("inference") String inference,
        @ConfigDoc("M, width of the random projection, >= 1. Default 10000 (G is M×M: 400 MB in float32).")
        @JsonProperty("projectionWidth") int projectionWidth,
        @ConfigDoc("Candidate ridge λ values (> 0), chosen on an 80/20 split of the current task's training "
                + "features. Default 1e3..1e8.") @JsonProperty("ridgeLambdas") List<Double> ridgeLambdas,
        @ConfigDoc("One random projection for both learners (reference code, default) or one each.")
        @JsonProperty("sharedRandomProjection") boolean sharedRandomProjection,
        @ConfigDoc("Pool both learners' ridge statistics G, Q (reference code, default) or keep one pair each. "
                + "Pooling needs sharedRandomProjection.") @JsonProperty("sharedRidgeStatistics")
        boolean sharedRidgeStatistics,
        @ConfigDoc("With pooled statistics, how the two ridge heads are solved each task: official (default, "
                + "SAFE.py: add the fast rows, solve the fast head with λ picked on its rows; then add the slow rows, "
                + "solve the slow head with λ picked on its rows) or joint (one solve on all rows for both heads, "
                + "one λ picked on an image-paired split of the pooled rows; earlier SDK behaviour).")
        @JsonProperty("pooledStatisticsOrder") String pooledStatisticsOrder,
        @ConfigDoc("Imprint class means into the slow head's rows of classes from task 2 on (paper figure); "
                + "default false keeps them zero (reference code).") @JsonProperty("imprintSlowHeadNewClasses")
        boolean imprintSlowHeadNewClasses,
        @ConfigDoc("Reduction of the cosine alignment over the batch: sum (reference code, default) or mean.")
        @JsonProperty("cosLossReduction") String cosLossReduction,
        @ConfigDoc("Precision of the ridge statistics and solve: float32 (default) or float64.")
        @JsonProperty("ridgeSolvePrecision") String ridgeSolvePrecision,
        @ConfigDoc("Batch size of the feature passes after each task, >= 1. Default 64.")
        @JsonProperty("featureBatchSize") int featureBatchSize,
        @ConfigDoc("Diagnostic: also score every inference head on each evaluation batch (entropy, average = γ 0, "
                + "slow, fast, and slow-own / fast-own: one learner's ridge head solved on its own features only, "
                + "which needs two more M×M statistics when they are pooled) and write safe-heads.json to the "
                + "plugin's work directory. Predictions are unchanged. Default false.")
        @JsonProperty("reportHeads") boolean reportHeads,
        @ConfigDoc("Compute the loss terms besides CE on a second train-mode forward pass of the trained learner (its "
                + "own adapter-dropout draw), as the reference code does (default true); false reuses the CE pass.")
        @JsonProperty("secondForward") boolean secondForward,
        @ConfigDoc("Where the first session's adapted model (the slow learner's ViT and cosine head, safetensors with "
                + "its content hash adaptedSha256) is written once task 1 has trained; the input of "
                + "bin/perennial-spark feature-stats --adapted (docs/distributed-feature-statistics.md). Needs "
                + "backbone.checkpoint. Empty (default): none.")
        @JsonProperty("firstSessionExport") String firstSessionExport,
        @ConfigDoc("A first-session model written by firstSessionExport, loaded at task 1 instead of training it "
                + "(nothing trains in that session); checked against this learner's classes and checkpoint hash. "
                + "Empty (default): task 1 trains.")
        @JsonProperty("firstSessionModel") String firstSessionModel,
        @ConfigDoc("First-session statistics file (bin/perennial-spark feature-stats --adapted) read instead of task "
                + "1's pass for the ridge heads; checked against this learner's classes, widths, projection and split "
                + "seeds, checkpoint hash and the content hash of its slow learner after task 1. Not with "
                + "pooledStatisticsOrder: joint. Empty (default): none.")
        @JsonProperty("firstSessionStatistics") String firstSessionStatistics) {

    /** The accepted {@code inference} values. */
    public static final List<String> INFERENCES = List.of("entropy", "slow", "fast");
    /** The accepted {@code pooledStatisticsOrder} values. */
    public static final List<String> POOLED_ORDERS = List.of("official", "joint");

    /** Validates every field; messages name it and what is accepted. */
    public SafeConfig {
        backbone = backbone == null ? PtmBackboneConfig.defaults() : backbone;
        inference = inference == null ? "entropy" : inference;
        cosLossReduction = cosLossReduction == null ? "sum" : cosLossReduction;
        ridgeSolvePrecision = ridgeSolvePrecision == null ? "float32" : ridgeSolvePrecision;
        pooledStatisticsOrder = pooledStatisticsOrder == null ? "official" : pooledStatisticsOrder;
        ridgeLambdas = ridgeLambdas == null ? defaultLambdas() : List.copyOf(ridgeLambdas);
        firstSessionExport = firstSessionExport == null ? "" : firstSessionExport;
        firstSessionModel = firstSessionModel == null ? "" : firstSessionModel;
        firstSessionStatistics = firstSessionStatistics == null ? "" : firstSessionStatistics;
        if (!(firstSessionExport + firstSessionModel + firstSessionStatistics).isEmpty()
                && backbone.checkpoint().isEmpty()) {
            throw new IllegalArgumentException("safe: 'firstSessionExport', 'firstSessionModel' and "
                    + "'firstSessionStatistics' need backbone.checkpoint (random PTM weights differ between "
                    + "processes)");
        }
        if (!firstSessionStatistics.isEmpty() && sharedRidgeStatistics && "joint".equals(pooledStatisticsOrder)) {
            throw new IllegalArgumentException("safe: 'firstSessionStatistics' is read with pooledStatisticsOrder: "
                    + "official or sharedRidgeStatistics: false (joint picks λ on a split of the pooled rows, which "
                    + "the file does not keep)");
        }
        nonNegative("lambdaDiag", lambdaDiag);
        nonNegative("lambdaRdn", lambdaRdn);
        nonNegative("lambdaCos", lambdaCos);
        nonNegative("lambdaCc", lambdaCc);
        nonNegative("gamma", gamma);
        if (!INFERENCES.contains(inference)) {
            throw new IllegalArgumentException("safe: 'inference' must be one of " + INFERENCES + ", was '"
                    + inference + "'");
        }
        if (!POOLED_ORDERS.contains(pooledStatisticsOrder)) {
            throw new IllegalArgumentException("safe: 'pooledStatisticsOrder' must be one of " + POOLED_ORDERS
                    + ", was '" + pooledStatisticsOrder + "'");
        }
        if (!List.of("sum", "mean").contains(cosLossReduction)) {
            throw new IllegalArgumentException("safe: 'cosLossReduction' must be sum or mean, was '"
                    + cosLossReduction + "'");
        }
        if (!List.of("float32", "float64").contains(ridgeSolvePrecision)) {
            throw new IllegalArgumentException("safe: 'ridgeSolvePrecision' must be float32 or float64, was '"
                    + ridgeSolvePrecision + "'");
        }
        if (projectionWidth < 1) {
            throw new IllegalArgumentException("safe: 'projectionWidth' must be >= 1, was " + projectionWidth);
        }
        if (featureBatchSize < 1) {
            throw new IllegalArgumentException("safe: 'featureBatchSize' must be >= 1, was " + featureBatchSize);
        }
        if (ridgeLambdas.isEmpty() || ridgeLambdas.stream().anyMatch(l -> l == null || !(l > 0) || l.isInfinite())) {
            throw new IllegalArgumentException("safe: 'ridgeLambdas' must be a non-empty list of finite numbers > 0,"
                    + " was " + ridgeLambdas);
        }
        if (sharedRidgeStatistics && !sharedRandomProjection) {
            throw new IllegalArgumentException("safe: 'sharedRidgeStatistics' pools features of one projection; set "
                    + "'sharedRandomProjection' to true or 'sharedRidgeStatistics' to false");
        }
    }

    /**
     * The configuration without first-session files.
     *
     * @param backbone see the record
     * @param lambdaDiag see the record
     * @param lambdaRdn see the record
     * @param lambdaCos see the record
     * @param lambdaCc see the record
     * @param gamma see the record
     * @param inference see the record
     * @param projectionWidth see the record
     * @param ridgeLambdas see the record
     * @param sharedRandomProjection see the record
     * @param sharedRidgeStatistics see the record
     * @param pooledStatisticsOrder see the record
     * @param imprintSlowHeadNewClasses see the record
     * @param cosLossReduction see the record
     * @param ridgeSolvePrecision see the record
     * @param featureBatchSize see the record
     * @param reportHeads see the record
     * @param secondForward see the record
     */
    public SafeConfig(PtmBackboneConfig backbone, double lambdaDiag, double lambdaRdn, double lambdaCos,
                      double lambdaCc, double gamma, String inference, int projectionWidth, List<Double> ridgeLambdas,
                      boolean sharedRandomProjection, boolean sharedRidgeStatistics, String pooledStatisticsOrder,
                      boolean imprintSlowHeadNewClasses, String cosLossReduction, String ridgeSolvePrecision,
                      int featureBatchSize, boolean reportHeads, boolean secondForward) {
        this(backbone, lambdaDiag, lambdaRdn, lambdaCos, lambdaCc, gamma, inference, projectionWidth, ridgeLambdas,
                sharedRandomProjection, sharedRidgeStatistics, pooledStatisticsOrder, imprintSlowHeadNewClasses,
                cosLossReduction, ridgeSolvePrecision, featureBatchSize, reportHeads, secondForward, "", "", "");
    }

    /**
     * A copy with other first-session files.
     *
     * @param export firstSessionExport
     * @param model firstSessionModel
     * @param statistics firstSessionStatistics
     * @return the copy
     */
    public SafeConfig withFirstSession(String export, String model, String statistics) {
        return new SafeConfig(backbone, lambdaDiag, lambdaRdn, lambdaCos, lambdaCc, gamma, inference,
                projectionWidth, ridgeLambdas, sharedRandomProjection, sharedRidgeStatistics, pooledStatisticsOrder,
                imprintSlowHeadNewClasses, cosLossReduction, ridgeSolvePrecision, featureBatchSize, reportHeads,
                secondForward, export, model, statistics);
    }

    private static void nonNegative(String field, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("safe: '" + field + "' must be a finite number >= 0, was " + value);
        }
    }

    private static List<Double> defaultLambdas() {
        return java.util.Arrays.stream(RidgeHead.SAFE_LAMBDAS).boxed().toList();
    }

    /**
     * The released CIFAR-100 B0-Inc10 configuration (safe.md §4), ViT-B/16 with the adapter.
     *
     * @return the defaults
     */
    public static SafeConfig defaults() {
        return new SafeConfig(PtmBackboneConfig.defaults(), 5e-10, 5e-9, 0.5, 1.0, 1.0, "entropy", 10000,
                defaultLambdas(), true, true, "official", false, "sum", "float32", 64, false, true);
    }

    /**
     * The released ImageNet-A B0-Inc20 configuration (safe.md §4): SSF, λ_diag 0.01, λ_rdn 10, λ_cos 1, no
     * cross-classification, γ 100.
     *
     * @return the config
     */
    public static SafeConfig imagenetA() {
        return new SafeConfig(PtmBackboneConfig.defaults().withPet("ssf"), 0.01, 10.0, 1.0, 0.0, 100.0, "entropy",
                10000, defaultLambdas(), true, true, "official", false, "sum", "float32", 64, false, true);
    }

    /**
     * A copy with another backbone.
     *
     * @param newBackbone the backbone
     * @return the copy
     */
    public SafeConfig withBackbone(PtmBackboneConfig newBackbone) {
        return new SafeConfig(newBackbone, lambdaDiag, lambdaRdn, lambdaCos, lambdaCc, gamma, inference,
                projectionWidth, ridgeLambdas, sharedRandomProjection, sharedRidgeStatistics,
                pooledStatisticsOrder, imprintSlowHeadNewClasses, cosLossReduction, ridgeSolvePrecision,
                featureBatchSize, reportHeads, secondForward, firstSessionExport, firstSessionModel,
                firstSessionStatistics);
    }

    /**
     * A copy with another projection width.
     *
     * @param width M
     * @return the copy
     */
    public SafeConfig withProjectionWidth(int width) {
        return new SafeConfig(backbone, lambdaDiag, lambdaRdn, lambdaCos, lambdaCc, gamma, inference, width,
                ridgeLambdas, sharedRandomProjection, sharedRidgeStatistics, pooledStatisticsOrder,
                imprintSlowHeadNewClasses, cosLossReduction, ridgeSolvePrecision, featureBatchSize, reportHeads,
                secondForward, firstSessionExport, firstSessionModel, firstSessionStatistics);
    }

    /**
     * A copy that reports every inference head (or not).
     *
     * @param report whether to write {@link InferenceHeadReport}
     * @return the copy
     */
    public SafeConfig withReportHeads(boolean report) {
        return new SafeConfig(backbone, lambdaDiag, lambdaRdn, lambdaCos, lambdaCc, gamma, inference,
                projectionWidth, ridgeLambdas, sharedRandomProjection, sharedRidgeStatistics, pooledStatisticsOrder,
                imprintSlowHeadNewClasses, cosLossReduction, ridgeSolvePrecision, featureBatchSize, report,
                secondForward, firstSessionExport, firstSessionModel, firstSessionStatistics);
    }

    /**
     * A copy with this SDK's earlier behaviour on items 1–3 of issue 17 (or the official one): {@code joint} pooled
     * ridge solves with one λ, and one forward pass for every loss term.
     *
     * @param earlier true for {@code joint} and no second forward, false for {@code official} and a second forward
     * @return the copy
     */
    public SafeConfig withEarlierSdkBehaviour(boolean earlier) {
        return new SafeConfig(backbone, lambdaDiag, lambdaRdn, lambdaCos, lambdaCc, gamma, inference,
                projectionWidth, ridgeLambdas, sharedRandomProjection, sharedRidgeStatistics,
                earlier ? "joint" : "official", imprintSlowHeadNewClasses, cosLossReduction, ridgeSolvePrecision,
                featureBatchSize, reportHeads, !earlier, firstSessionExport, firstSessionModel,
                firstSessionStatistics);
    }

    /** @return whether both ridge heads are solved in the official order on pooled statistics */
    boolean officialPooledOrder() {
        return sharedRidgeStatistics && pooledStatisticsOrder.equals("official");
    }

    /** @return the λ grid as an array */
    double[] lambdaGrid() {
        return ridgeLambdas.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** @return the reduction of L_cos */
    SlowFastLosses.Reduction reduction() {
        return cosLossReduction.equals("sum") ? SlowFastLosses.Reduction.SUM : SlowFastLosses.Reduction.MEAN;
    }

    /** @return the ridge precision */
    RidgeHead.Precision precision() {
        return ridgeSolvePrecision.equals("float32") ? RidgeHead.Precision.FLOAT32 : RidgeHead.Precision.FLOAT64;
    }
}
