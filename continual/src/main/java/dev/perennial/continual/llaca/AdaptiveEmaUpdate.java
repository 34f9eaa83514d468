package dev.perennial.continual.llaca;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;

import dev.perennial.models.nn.Owned;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The LLaCA dynamic EMA of every trainable tensor (spec llaca.md §2.3, "code form"), with the figure form
 * (§2.2) behind {@link AdaptiveEmaConfig#convention()}; or, made with {@link #fixed}, the constant-β EMA the
 * spec's ablation compares against.
 *
 * <p>Per tracked tensor, after every optimizer step:
 * <pre>
 *   first call:  θ* ← copy(θ)
 *   a = ‖θ_t − θ*_{t−1}‖₁,  b = ‖g_t‖₁,  c = ‖g_t − g_{t−1}‖₁  (÷ ‖θ_t − θ_{t−1}‖₁ with GRAD_DIFF_OVER_STEP)
 *   k = s·(1 + b) / (a·c)                                    (float32; a·c = 0 gives ±Infinity or NaN)
 *                                                            (s·n instead of s for a tensor of n elements with
 *                                                             {@link ScaleUnit#ELEMENT})
 *   k ∉ (0, 1), NaN, ±Inf, no g_{t−1}, no g_t  →  fallback: θ*_t = (1 − w_fb)·θ*_{t−1} + w_fb·θ_t
 *   CODE:          θ*_t = (1 − k)·θ*_{t−1} + k·θ_t
 *   PAPER_FIGURE:  θ*_t = k·θ*_{t−1} + (1 − k)·θ_t
 *   g_{t−1} ← copy(g_t)         (none when g_t is missing: that step and the next fall back, as in the official code)
 * </pre>
 * g_t is the gradient the optimizer step used: the loop clips gradients in place before the step, so it is the
 * clipped one, as in the official trainer ({@code clip_grad_norm_} then {@code optimizer.step()} then
 * {@code ema_update}). A tensor that took no part in the step's loss has no g_t ({@link #updateAll}).
 * One scalar per tensor (§2.5). {@link #replace} writes θ* into the live parameters at the end of a task
 * ({@code ema_replace}). Every update is counted as adaptive or fallback ({@link #counts()}).
 *
 * <p>The copies (θ*, g_{t−1}, and θ_{t−1} for the quotient surrogate) live in a sub-manager of the one given to
 * the constructor and are taken out of any open {@link NDScope}, so they outlive the loop's per-step scopes.
 * Memory: about 2× (3× with the quotient surrogate) the trainable parameters (spec §4).
 */
public final class AdaptiveEmaUpdate implements AutoCloseable {
    private final AdaptiveEmaConfig config;
    private final boolean adaptive;
    private final float fixedCurrentWeight;
    private final NDManager manager;
    private final Map<String, Tracked> tracked = new LinkedHashMap<>();
    private long adaptiveCount;
    private long fallbackCount;

    /** The lowest decade of {@link #rawCoefficientHistograms()}: bin 0 holds log10 ≤ this, bin i log10 in (i−1, i]. */
    public static final int HISTOGRAM_LOWEST_DECADE = -12;
    /** The number of bins of {@link #rawCoefficientHistograms()}; the last one holds every log10 above 18. */
    public static final int HISTOGRAM_BINS = 32;

    private final Map<Long, long[]> rawHistograms = new java.util.TreeMap<>();

    /** The copies kept for one tensor. */
    private static final class Tracked {
        NDArray ema;
        NDArray previousGradient;
        NDArray previousParameter;
    }

    /**
     * What one tensor's update used.
     *
     * @param coefficient the computed coefficient k (NaN when it could not be computed, e.g. on the first step)
     * @param adaptive whether k was used (true) or the fallback weight (false)
     * @param currentWeight the weight the update put on θ_t (α in CODE form, 1 − β in PAPER_FIGURE form)
     */
    public record Step(float coefficient, boolean adaptive, float currentWeight) {}

    private AdaptiveEmaUpdate(AdaptiveEmaConfig config, boolean adaptive, float fixedCurrentWeight,
                              NDManager parent) {
        this.config = config;
        this.adaptive = adaptive;
        this.fixedCurrentWeight = fixedCurrentWeight;
        this.manager = parent.newSubManager();
    }

    /**
     * The LLaCA dynamic EMA.
     *
     * @param config the switches
     * @param parent the manager whose lifetime the copies share (the plugin's)
     * @return the update
     */
    public static AdaptiveEmaUpdate adaptive(AdaptiveEmaConfig config, NDManager parent) {
        return new AdaptiveEmaUpdate(config, true, config.fallbackCurrentWeight(), parent);
    }

    /**
     * A constant EMA θ*_t = β·θ*_{t−1} + (1 − β)·θ_t (the "stable EMA" of the ablation, β = 0.99). Every update
     * counts as a fallback (fixed-weight) update.
     *
     * @param beta the weight on the old EMA, in [0, 1)
     * @param parent the manager whose lifetime the copies share
     * @return the update
     * @throws IllegalArgumentException when β is outside [0, 1)
     */
    public static AdaptiveEmaUpdate fixed(float beta, NDManager parent) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException("ema-fixed beta must be in [0, 1), was " + beta);
        }
        return new AdaptiveEmaUpdate(AdaptiveEmaConfig.defaults(), false, 1f - beta, parent);
    }

    /**
     * Updates the EMA of every parameter that requires a gradient (call after the optimizer step, before
     * gradients are cleared). Frozen parameters are never tracked (spec §6 L8).
     *
     * <p>{@code receivedGradient} says which tensors took part in this step's loss. The official code runs on
     * torch ≥ 2, whose {@code zero_grad} sets every gradient to None, so a tensor the step's loss did not reach has
     * no gradient and its update falls back (spec §2.3). In DJL a gradient, once allocated, is zeroed in place and
     * stays allocated: a tensor left out of the loss would read as an all-zero gradient, from which a coefficient
     * would be computed. A tensor for which the predicate is false is therefore updated as "no gradient"
     * ({@link #update} with {@code null}), whatever its gradient array holds; see {@link ReachRecordingStore} for
     * how {@link LlavaInstructionLearner} knows.
     *
     * @param parameters named parameters, e.g. the learner's trainable ones
     * @param receivedGradient whether a parameter received a gradient this optimizer step
     * @return what each tracked tensor's update used, by name, in the order of {@code parameters}
     */
    public Map<String, Step> updateAll(Map<String, Parameter> parameters, Predicate<Parameter> receivedGradient) {
        Map<String, Step> steps = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            Parameter p = e.getValue();
            if (!p.requiresGradient() || !p.isInitialized()) {
                continue;
            }
            NDArray theta = p.getArray();
            try (NDManager scope = manager.newSubManager()) {
                NDArray gradient = null;
                if (receivedGradient.test(p) && theta.hasGradient()) {
                    gradient = theta.getGradient();
                    // the gradient handle is a new native reference: free it with this scope, not the model's
                    gradient.attach(scope);
                }
                steps.put(e.getKey(), update(e.getKey(), theta, gradient));
            }
        }
        return steps;
    }

    /**
     * Updates one tensor's EMA.
     *
     * @param name the tensor's name (the key of its copies)
     * @param theta the live tensor θ_t after the optimizer step (not modified)
     * @param gradient g_t, or null when the tensor has none: this update falls back, and so does the tensor's next
     *                 one (no g_{t−1} to difference against)
     * @return what the update used
     */
    public Step update(String name, NDArray theta, NDArray gradient) {
        Tracked t = tracked.computeIfAbsent(name, k -> new Tracked());
        if (t.ema == null) {
            t.ema = keep(Owned.copyAs(theta, DataType.FLOAT32));
        }
        if (!t.ema.getShape().equals(theta.getShape())) {
            throw new IllegalStateException("EMA of '" + name + "' has shape " + t.ema.getShape()
                    + " but the parameter now has " + theta.getShape());
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray th = float32(theta, scope);
            NDArray g = gradient == null ? null : float32(gradient, scope);
            float k = adaptive ? coefficient(t, th, g, scope) : Float.NaN;
            boolean inRange = adaptive && k > 0f && k < 1f; // false for NaN and ±Infinity
            float current;
            if (inRange) {
                current = config.convention() == EmaConvention.CODE ? k : 1f - k;
                adaptiveCount++;
            } else {
                current = fixedCurrentWeight;
                fallbackCount++;
            }
            NDArray weighted = th.mul(current);
            weighted.attach(scope); // created in θ's manager; freed with this scope
            t.ema.muli(inRange && config.convention() == EmaConvention.PAPER_FIGURE ? k : 1f - current)
                    .addi(weighted);
            if (adaptive && g != null) {
                t.previousGradient = store(t.previousGradient, g);
                if (config.hessianSurrogate() == HessianSurrogate.GRAD_DIFF_OVER_STEP) {
                    t.previousParameter = store(t.previousParameter, th);
                }
            } else if (adaptive) {
                // The official update stores this step's gradient whatever it is (a copy of None here), so the next
                // step has no g_{t−1} and falls back too; keeping an older gradient would let it go adaptive.
                t.previousGradient = forget(t.previousGradient);
                t.previousParameter = forget(t.previousParameter);
            }
            return new Step(k, inRange, current);
        }
    }

    /** s·(1+b)/(a·c) in float32, or NaN when g_t or g_{t−1} (or θ_{t−1} for the quotient) is missing. */
    private float coefficient(Tracked t, NDArray theta, NDArray g, NDManager scope) {
        if (g == null || t.previousGradient == null || !t.previousGradient.getShape().equals(g.getShape())) {
            return Float.NaN;
        }
        float a = l1(owned(theta.sub(t.ema), scope), scope);
        float b = l1(g, scope);
        float c = l1(owned(g.sub(t.previousGradient), scope), scope);
        if (config.hessianSurrogate() == HessianSurrogate.GRAD_DIFF_OVER_STEP) {
            if (t.previousParameter == null) {
                return Float.NaN;
            }
            c = c / l1(owned(theta.sub(t.previousParameter), scope), scope);
        }
        float raw = (1f + b) / (a * c);
        long n = theta.size();
        record(n, raw);
        float scale = config.scaleUnit() == ScaleUnit.ELEMENT ? config.scale() * n : config.scale();
        return scale * raw;
    }

    /** Counts the raw coefficient (1+b)/(a·c) in its tensor size's log10 histogram (NaN and ±Inf are not). */
    private void record(long elements, float raw) {
        if (!(raw > 0) || Float.isInfinite(raw)) {
            return;
        }
        int bin = (int) Math.ceil(Math.log10(raw)) - HISTOGRAM_LOWEST_DECADE;
        rawHistograms.computeIfAbsent(elements, k -> new long[HISTOGRAM_BINS])[
                Math.max(0, Math.min(HISTOGRAM_BINS - 1, bin))]++;
    }

    /**
     * The distribution of the raw coefficient (1 + b)/(a·c), before the scale, of every computed update, by
     * tensor element count (the scale ablation of issue #23): bin i counts log10 in (L + i − 1, L + i] with
     * L = {@link #HISTOGRAM_LOWEST_DECADE}; the first and last bins are open-ended. Under s per tensor an update
     * is adaptive when s·raw is in (0, 1), under s per element when s·n·raw is.
     *
     * @return element count → histogram, in ascending element count
     */
    public Map<Long, long[]> rawCoefficientHistograms() {
        Map<Long, long[]> out = new java.util.TreeMap<>();
        rawHistograms.forEach((n, h) -> out.put(n, h.clone()));
        return out;
    }

    /**
     * The array itself when float32 (never attached elsewhere: it may be a live parameter), else a float32 copy
     * in the scope (spec §7.6: coefficients in float32). DJL's toType may alias the input, hence the check.
     */
    private static NDArray float32(NDArray a, NDManager scope) {
        if (a.getDataType() == DataType.FLOAT32) {
            return a;
        }
        NDArray converted = a.toType(DataType.FLOAT32, true);
        converted.attach(scope);
        return converted;
    }

    /** ‖v‖₁ as a float; v is not attached anywhere, the temporaries go to the scope. */
    private static float l1(NDArray v, NDManager scope) {
        NDArray abs = owned(v.abs(), scope);
        return owned(abs.sum(), scope).getFloat();
    }

    /** A temporary made from a caller's array lives in that array's manager: move it to the scope. */
    private static NDArray owned(NDArray temporary, NDManager scope) {
        temporary.attach(scope);
        return temporary;
    }

    private NDArray store(NDArray previous, NDArray value) {
        if (previous != null && previous.getShape().equals(value.getShape())) {
            value.copyTo(previous);
            return previous;
        }
        if (previous != null) {
            previous.close();
        }
        return keep(value.duplicate());
    }

    private static NDArray forget(NDArray stored) {
        if (stored != null) {
            stored.close();
        }
        return null;
    }

    private NDArray keep(NDArray a) {
        NDScope.unregister(a);
        a.attach(manager);
        return a;
    }

    /**
     * Writes θ* into every tracked live parameter (spec §2.3 {@code ema_replace}); afterwards they are
     * bit-equal to the EMA (spec §6 L9).
     *
     * @param parameters named parameters; those without an EMA are left as they are
     */
    public void replace(Map<String, Parameter> parameters) {
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            Tracked t = tracked.get(e.getKey());
            if (t != null && t.ema != null && e.getValue().isInitialized()) {
                t.ema.copyTo(e.getValue().getArray());
            }
        }
    }

    /**
     * Forgets every copy, so the next update of each tensor starts its EMA at θ again and falls back (the
     * official code runs each task in a fresh process: "the first step of a task always falls back", §5.4).
     */
    public void startTask() {
        for (Tracked t : tracked.values()) {
            closeAll(t);
        }
        tracked.clear();
    }

    /**
     * The EMA of a tensor.
     *
     * @param name the tensor's name
     * @return θ*, if the tensor was updated since the last {@link #startTask}
     */
    public Optional<NDArray> ema(String name) {
        Tracked t = tracked.get(name);
        return Optional.ofNullable(t == null ? null : t.ema);
    }

    /**
     * The names of the tracked tensors.
     *
     * @return the names, in first-update order
     */
    public java.util.Set<String> trackedNames() {
        return Collections.unmodifiableSet(tracked.keySet());
    }

    /**
     * The adaptive vs fallback counts since construction (or the last {@link #restoreCounts}).
     *
     * @return the counts
     */
    public EmaUpdateCounts counts() {
        return new EmaUpdateCounts(adaptiveCount, fallbackCount);
    }

    /**
     * Restores the counts from a checkpoint.
     *
     * @param counts the counts written earlier
     */
    public void restoreCounts(EmaUpdateCounts counts) {
        adaptiveCount = counts.adaptive();
        fallbackCount = counts.fallback();
    }

    /**
     * Restores {@link #rawCoefficientHistograms()} from a checkpoint.
     *
     * @param histograms element count → histogram of {@link #HISTOGRAM_BINS} bins
     */
    public void restoreRawCoefficientHistograms(Map<Long, long[]> histograms) {
        rawHistograms.clear();
        histograms.forEach((n, h) -> rawHistograms.put(n, java.util.Arrays.copyOf(h, HISTOGRAM_BINS)));
    }

    /**
     * The copies, for a checkpoint: {@code ema/<name>}, {@code grad/<name>}, {@code param/<name>}.
     *
     * @return the named arrays (owned by this update; the caller must not close them)
     */
    public Map<String, NDArray> stateTensors() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        tracked.forEach((name, t) -> {
            if (t.ema != null) {
                out.put("ema/" + name, t.ema);
            }
            if (t.previousGradient != null) {
                out.put("grad/" + name, t.previousGradient);
            }
            if (t.previousParameter != null) {
                out.put("param/" + name, t.previousParameter);
            }
        });
        return out;
    }

    /**
     * Restores the copies written by {@link #stateTensors()} (copied into this update's manager).
     *
     * @param tensors the named arrays
     * @throws IllegalStateException naming an unknown entry
     */
    public void restoreTensors(Map<String, NDArray> tensors) {
        startTask();
        tensors.forEach((key, value) -> {
            int slash = key.indexOf('/');
            String kind = slash < 0 ? "" : key.substring(0, slash);
            Tracked t = tracked.computeIfAbsent(key.substring(slash + 1), k -> new Tracked());
            NDArray copy = keep(value.duplicate());
            switch (kind) {
                case "ema" -> t.ema = copy;
                case "grad" -> t.previousGradient = copy;
                case "param" -> t.previousParameter = copy;
                default -> throw new IllegalStateException("EMA checkpoint entry '" + key
                        + "' is not ema/, grad/ or param/<name>");
            }
        });
    }

    private static void closeAll(Tracked t) {
        for (NDArray a : new NDArray[] {t.ema, t.previousGradient, t.previousParameter}) {
            if (a != null) {
                a.close();
            }
        }
    }

    @Override
    public void close() {
        startTask();
        manager.close();
    }
}
