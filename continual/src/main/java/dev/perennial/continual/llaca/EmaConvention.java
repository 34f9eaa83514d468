package dev.perennial.continual.llaca;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Which weight the LLaCA coefficient multiplies (spec llaca.md §2.4, §7.1: the figure and the code disagree).
 */
public enum EmaConvention {
    /**
     * Official code ({@code peft/tuners/lora.py ema_update}): α = s(1+b)/(a·c) weights the CURRENT parameters,
     * θ*_t = (1 − α)·θ*_{t−1} + α·θ_t. The default.
     */
    @JsonProperty("CODE") CODE,
    /**
     * Framework figure ({@code LCIA.png}, "Step 3: EMA Update"): β = s(1+b)/(a·c) weights the OLD EMA,
     * θ*_t = β·θ*_{t−1} + (1 − β)·θ_t.
     */
    @JsonProperty("PAPER_FIGURE") PAPER_FIGURE
}
