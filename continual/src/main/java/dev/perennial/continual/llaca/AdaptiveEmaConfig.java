package dev.perennial.continual.llaca;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.spi.ConfigDoc;

/**
 * The switches of the LLaCA dynamic EMA (spec llaca.md §2.4). Coefficients are always computed in float32
 * (spec §7.6).
 *
 * @param convention which weight the coefficient multiplies; default {@link EmaConvention#CODE}
 * @param hessianSurrogate how L'' is approximated; default {@link HessianSurrogate#GRAD_DIFF}
 * @param scale the empirical factor s (2 in CoIN, 0.01 in Continual-NExT)
 * @param fallbackCurrentWeight w_fb, the weight on the current parameters when the coefficient is not strictly
 *                              inside (0, 1) or cannot be computed (0.01 in CoIN, 0.001 in Continual-NExT)
 * @param scaleUnit what s is relative to: {@link ScaleUnit#TENSOR} (the paper's and the code's s, default) or
 *                  {@link ScaleUnit#ELEMENT} (s times the tensor's element count)
 */
public record AdaptiveEmaConfig(
        @ConfigDoc("Which weight the coefficient multiplies: CODE (official code, weights the current parameters;"
                + " default) or PAPER_FIGURE (framework figure, weights the old EMA).")
        @JsonProperty("convention") EmaConvention convention,
        @ConfigDoc("Second-derivative surrogate: GRAD_DIFF (code; default) or GRAD_DIFF_OVER_STEP (divides by the"
                + " L1 parameter step).")
        @JsonProperty("hessianSurrogate") HessianSurrogate hessianSurrogate,
        @ConfigDoc("Scale factor s of the coefficient s(1+b)/(a·c), > 0; 2 in CoIN, 0.01 in Continual-NExT.")
        @JsonProperty("scale") float scale,
        @ConfigDoc("Fallback weight on the current parameters, in (0, 1); 0.01 in CoIN (EMA 0.99),"
                + " 0.001 in Continual-NExT.")
        @JsonProperty("fallbackCurrentWeight") float fallbackCurrentWeight,
        @ConfigDoc("What scale is relative to: TENSOR (s as given, the official code's; default) or ELEMENT (s times"
                + " the tensor's element count).")
        @JsonProperty("scaleUnit") ScaleUnit scaleUnit) {

    /** CoIN's values: s = 2, w_fb = 0.01. */
    public static final float COIN_SCALE = 2f;
    /** CoIN's fallback weight on the current parameters. */
    public static final float COIN_FALLBACK_CURRENT_WEIGHT = 0.01f;

    /**
     * Fills missing switches with the defaults and validates.
     *
     * @throws IllegalArgumentException naming the field and what is accepted
     */
    public AdaptiveEmaConfig {
        convention = convention == null ? EmaConvention.CODE : convention;
        hessianSurrogate = hessianSurrogate == null ? HessianSurrogate.GRAD_DIFF : hessianSurrogate;
        scaleUnit = scaleUnit == null ? ScaleUnit.TENSOR : scaleUnit;
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("llaca ema.scale must be a finite number > 0, was " + scale);
        }
        if (!(fallbackCurrentWeight > 0 && fallbackCurrentWeight < 1)) {
            throw new IllegalArgumentException("llaca ema.fallbackCurrentWeight must be in (0, 1), was "
                    + fallbackCurrentWeight);
        }
    }

    /**
     * The defaults of the official code: CODE convention, GRAD_DIFF, s = 2 per tensor, w_fb = 0.01.
     *
     * @return the defaults
     */
    public static AdaptiveEmaConfig defaults() {
        return new AdaptiveEmaConfig(EmaConvention.CODE, HessianSurrogate.GRAD_DIFF, COIN_SCALE,
                COIN_FALLBACK_CURRENT_WEIGHT, ScaleUnit.TENSOR);
    }
}
