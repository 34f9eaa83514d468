package dev.perennial.api.loop;

/**
 * Dynamic loss scaling for fp16 training, with the rule and defaults of torch's {@code torch.amp.GradScaler}:
 * the loss is multiplied by {@code scale} before backward and the gradients divided by it before the step; a step
 * whose gradients hold an Inf or NaN is skipped and the scale multiplied by {@code backoff}; after {@code interval}
 * clean steps in a row the scale is multiplied by {@code growth}. Defaults: scale 2^16 = 65536, growth 2,
 * backoff 0.5, interval 2000 (Micikevicius et al., "Mixed Precision Training", ICLR 2018, §3.2; GradScaler's
 * {@code update}). Plain Java state: the loop keeps it in the checkpoint, so a resumed run scales as the
 * uninterrupted one.
 */
public final class DynamicLossScaler {
    /** GradScaler's initial scale, 2^16. */
    public static final double INITIAL_SCALE = 65536.0;
    /** GradScaler's growth factor. */
    public static final double GROWTH = 2.0;
    /** GradScaler's backoff factor. */
    public static final double BACKOFF = 0.5;
    /** GradScaler's growth interval, in clean steps. */
    public static final int INTERVAL = 2000;

    private final double growth;
    private final double backoff;
    private final int interval;
    private double scale;
    private int cleanSteps;

    /** A scaler with GradScaler's defaults. */
    public DynamicLossScaler() {
        this(INITIAL_SCALE, GROWTH, BACKOFF, INTERVAL);
    }

    /**
     * A scaler.
     *
     * @param initialScale the first scale, > 0
     * @param growth the factor after {@code interval} clean steps, > 1
     * @param backoff the factor after an overflow, in (0, 1)
     * @param interval clean steps before growing, >= 1
     */
    public DynamicLossScaler(double initialScale, double growth, double backoff, int interval) {
        if (!(initialScale > 0) || !(growth > 1) || !(backoff > 0 && backoff < 1) || interval < 1) {
            throw new IllegalArgumentException("loss scaler: scale " + initialScale + ", growth " + growth
                    + ", backoff " + backoff + ", interval " + interval + "; expected scale > 0, growth > 1,"
                    + " backoff in (0, 1), interval >= 1");
        }
        this.growth = growth;
        this.backoff = backoff;
        this.interval = interval;
        this.scale = initialScale;
    }

    /**
     * The scale the next backward uses.
     *
     * @return the current scale
     */
    public double scale() {
        return scale;
    }

    /**
     * Clean steps since the last growth or overflow.
     *
     * @return the growth tracker
     */
    public int cleanSteps() {
        return cleanSteps;
    }

    /**
     * Updates the scale after a step's gradients were checked.
     *
     * @param overflow whether a gradient held an Inf or NaN (the step is skipped)
     */
    public void update(boolean overflow) {
        if (overflow) {
            scale *= backoff;
            cleanSteps = 0;
            return;
        }
        if (++cleanSteps == interval) {
            scale *= growth;
            cleanSteps = 0;
        }
    }

    /**
     * Restores the state a checkpoint kept.
     *
     * @param savedScale the scale
     * @param savedCleanSteps the growth tracker
     */
    public void restore(double savedScale, int savedCleanSteps) {
        if (!(savedScale > 0) || !Double.isFinite(savedScale) || savedCleanSteps < 0 || savedCleanSteps >= interval) {
            throw new IllegalArgumentException("loss scaler state: scale " + savedScale + ", clean steps "
                    + savedCleanSteps + "; expected a finite scale > 0 and clean steps in [0, " + interval + ")");
        }
        scale = savedScale;
        cleanSteps = savedCleanSteps;
    }
}
