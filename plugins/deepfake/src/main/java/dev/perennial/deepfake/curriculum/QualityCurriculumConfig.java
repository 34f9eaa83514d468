package dev.perennial.deepfake.curriculum;

import dev.perennial.spi.ConfigDoc;
import java.util.Arrays;
import java.util.Locale;

/**
 * Configuration of {@code quality-curriculum} (specs/deepfake.md Part A). The DIHCL values (decay, temperature,
 * subset fraction, episode schedule) come from DIHCL's code; QCF's own values for α_f, the hardness form, the
 * static-score normalisation and the split into high- and low-quality subsets are not known (UNVERIFIED in the
 * spec): the defaults below for those are the SDK's choice.
 *
 * @param alpha α_f, the weight of the static score in FQS = d + α_f·q (UNVERIFIED; default 1)
 * @param staticScoresFile a file of {@code id,score} lines with q per fake; empty for the dynamic term only
 * @param normaliseStaticScores map cosine scores to (cos + 1)/2 (UNVERIFIED; default false)
 * @param hardnessForm {@code discounted-sum} (DIHCL code, default) or {@code ema}
 * @param hardnessDecay γ (DIHCL 0.9)
 * @param lossScaling {@code none}, {@code inverse-lr} (DIHCL) or {@code lr-max-ratio} (DFFC)
 * @param episodeBoundaries first epoch of each episode; episode 0 is the warm-up (DIHCL schedule)
 * @param initialTemperature τ_0 (DIHCL 20)
 * @param temperatureDecay factor per episode (DIHCL 0.8)
 * @param minTemperature floor of τ (DIHCL 1)
 * @param initialFraction k_0 (DIHCL 1.0)
 * @param fractionDecay dk (DIHCL 0.1)
 * @param minFraction mk (DIHCL 0.3)
 * @param realLabel the class id of real samples; every other label is a fake
 * @param sampleReals whether reals are sampled too (default false: every real is visited every epoch)
 * @param lowQualitySplit {@code unsampled} or {@code quantile}
 * @param lowQualityFraction for {@code quantile}: the fraction of the drawn fakes with the lowest FQS
 * @param board the name of the hand-off board shared with {@code quality-freda}
 * @param logScores write each epoch's q, d, FQS and p to a CSV file in the plugin folder
 */
public record QualityCurriculumConfig(
        @ConfigDoc("alpha_f: weight of the static score q in FQS = d + alpha_f * q; finite, >= 0. Default 1.0 "
                + "(UNVERIFIED: the paper's value is unknown).") double alpha,
        @ConfigDoc("Path of a UTF-8 file of 'id,score' lines giving the static quality q of each fake by data-set "
                + "id (e.g. ArcFace cosine to the source identity); empty (default) = q = 0 for every sample.")
        String staticScoresFile,
        @ConfigDoc("Map static cosine scores to (cos + 1) / 2 when reading them; default false (UNVERIFIED).")
        boolean normaliseStaticScores,
        @ConfigDoc("Dynamic hardness form: 'discounted-sum' (DIHCL code: d = 0.9 d + s; default) or 'ema' "
                + "(d = g d + (1 - g) s; DIH-style reconstruction, UNVERIFIED).") String hardnessForm,
        @ConfigDoc("Hardness decay g in [0, 1); default 0.9 (DIHCL --ema_decay).") double hardnessDecay,
        @ConfigDoc("Instantaneous hardness from the per-sample loss l: 'none' (s = l; default), 'inverse-lr' "
                + "(s = l / lr, DIHCL code) or 'lr-max-ratio' (s = l * lr_max / lr, DFFC); the learning-rate forms "
                + "need the quality-freda augmenter, which reports the rate.") String lossScaling,
        @ConfigDoc("First epoch of each episode, strictly increasing from 0; episode 0 is the warm-up on every "
                + "sample. Default 0 5 10 15 20 30 40 60 90 140 210 300 (DIHCL --schedule).") int[] episodeBoundaries,
        @ConfigDoc("Sampling temperature tau_0 of the first sampled episode; > 0, default 20 (DIHCL --tmpt).")
        double initialTemperature,
        @ConfigDoc("Temperature factor per episode, in (0, 1]; default 0.8 (DIHCL).") double temperatureDecay,
        @ConfigDoc("Temperature floor, >= 0; default 1 (DIHCL).") double minTemperature,
        @ConfigDoc("Subset fraction k_0 of the first sampled episode, in (0, 1]; default 1.0 (DIHCL).")
        double initialFraction,
        @ConfigDoc("Subset fraction decay dk per episode, in [0, 1); default 0.1 (DIHCL).") double fractionDecay,
        @ConfigDoc("Subset fraction floor mk, in (0, 1]; default 0.3 (DIHCL).") double minFraction,
        @ConfigDoc("Class id of real samples; every other label is a fake. Default 0.") int realLabel,
        @ConfigDoc("Whether reals are drawn by the curriculum too; default false: every real is visited every "
                + "epoch and only fakes are rated (the paper rates 'deepfake samples'; UNVERIFIED).")
        boolean sampleReals,
        @ConfigDoc("Which fakes are low-quality and go through FreDA: 'unsampled' (default: the fakes not drawn "
                + "this episode are added back FreDA-softened, X' = H u FreDA(E), the spec's reading of A.5.1) or "
                + "'quantile' (the lowQualityFraction of the drawn fakes with the lowest FQS). UNVERIFIED.")
        String lowQualitySplit,
        @ConfigDoc("For lowQualitySplit = 'quantile': fraction in [0, 1] of drawn fakes flagged low-quality; "
                + "default 0.3 (SDK choice).") double lowQualityFraction,
        @ConfigDoc("Name of the hand-off board shared with the quality-freda augmenter of the same run; "
                + "default 'quality'.") String board,
        @ConfigDoc("Write q, d, FQS and p of every sample to quality-task<T>-epoch<E>.csv in the plugin folder "
                + "(both terms logged, spec A.3.5); default true.") boolean logScores) {

    /** Validates every field; messages name the field and the accepted range. */
    public QualityCurriculumConfig {
        if (!(alpha >= 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("config field 'alpha' must be a finite number >= 0; was " + alpha);
        }
        staticScoresFile = staticScoresFile == null ? "" : staticScoresFile;
        HardnessForm.parse(hardnessForm, "hardnessForm");
        if (!(hardnessDecay >= 0 && hardnessDecay < 1)) {
            throw new IllegalArgumentException("config field 'hardnessDecay' must be in [0, 1); was " + hardnessDecay);
        }
        LossScaling.parse(lossScaling, "lossScaling");
        if (episodeBoundaries == null) {
            throw new IllegalArgumentException("config field 'episodeBoundaries' is required, e.g. [0, 5, 10]");
        }
        episodeBoundaries = episodeBoundaries.clone();
        // Validates the schedule fields together (messages name them).
        new PacingSchedule(episodeBoundaries, initialTemperature, temperatureDecay, minTemperature,
                initialFraction, fractionDecay, minFraction);
        if (realLabel < 0) {
            throw new IllegalArgumentException("config field 'realLabel' must be a class id >= 0; was " + realLabel);
        }
        LowQualitySplit.parse(lowQualitySplit);
        if (!(lowQualityFraction >= 0 && lowQualityFraction <= 1)) {
            throw new IllegalArgumentException("config field 'lowQualityFraction' must be in [0, 1]; was "
                    + lowQualityFraction);
        }
        if (board == null || board.isBlank()) {
            throw new IllegalArgumentException("config field 'board' must be a non-empty name, e.g. 'quality'");
        }
    }

    /**
     * The defaults (DIHCL values where known, SDK choices marked UNVERIFIED above).
     *
     * @return the default configuration
     */
    public static QualityCurriculumConfig defaults() {
        return new QualityCurriculumConfig(1.0, "", false, "discounted-sum", 0.9, "none",
                new int[] {0, 5, 10, 15, 20, 30, 40, 60, 90, 140, 210, 300}, 20, 0.8, 1, 1.0, 0.1, 0.3, 0, false,
                "unsampled", 0.3, "quality", true);
    }

    @Override
    public int[] episodeBoundaries() {
        return episodeBoundaries.clone();
    }

    /**
     * The pacing schedule.
     *
     * @return the schedule
     */
    public PacingSchedule schedule() {
        return new PacingSchedule(episodeBoundaries, initialTemperature, temperatureDecay, minTemperature,
                initialFraction, fractionDecay, minFraction);
    }

    /**
     * The parsed split rule.
     *
     * @return the rule
     */
    public LowQualitySplit split() {
        return LowQualitySplit.parse(lowQualitySplit);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QualityCurriculumConfig c && c.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "QualityCurriculumConfig[alpha=%s, staticScoresFile=%s, normalise=%s, "
                        + "hardnessForm=%s, hardnessDecay=%s, lossScaling=%s, episodeBoundaries=%s, tau0=%s, "
                        + "tauDecay=%s, tauMin=%s, k0=%s, dk=%s, mk=%s, realLabel=%d, sampleReals=%s, split=%s, "
                        + "lowQualityFraction=%s, board=%s, logScores=%s]", alpha, staticScoresFile,
                normaliseStaticScores, hardnessForm, hardnessDecay, lossScaling, Arrays.toString(episodeBoundaries),
                initialTemperature, temperatureDecay, minTemperature, initialFraction, fractionDecay, minFraction,
                realLabel, sampleReals, lowQualitySplit, lowQualityFraction, board, logScores);
    }

    /** Which fakes go through FreDA (specs/deepfake.md §A.1.3; UNVERIFIED). */
    public enum LowQualitySplit {
        /** Fakes not drawn this episode, added back FreDA-softened. */
        UNSAMPLED,
        /** The lowest-FQS fraction of the drawn fakes. */
        QUANTILE;

        static LowQualitySplit parse(String text) {
            if ("unsampled".equals(text)) {
                return UNSAMPLED;
            }
            if ("quantile".equals(text)) {
                return QUANTILE;
            }
            throw new IllegalArgumentException("config field 'lowQualitySplit' must be 'unsampled' or 'quantile'; "
                    + "was '" + text + "'");
        }
    }
}
