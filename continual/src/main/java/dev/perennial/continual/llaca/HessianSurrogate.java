package dev.perennial.continual.llaca;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the second derivative L'' is approximated per tensor (spec llaca.md §2.4, §7.2). */
public enum HessianSurrogate {
    /** Official code: c = ‖g_t − g_{t−1}‖₁, the division by the parameter step dropped. The default. */
    @JsonProperty("GRAD_DIFF") GRAD_DIFF,
    /**
     * Paper-style difference quotient: c = ‖g_t − g_{t−1}‖₁ / ‖θ_t − θ_{t−1}‖₁ (the exact paper form is
     * UNVERIFIED per the spec); needs the previous parameters, so it keeps one more copy per tensor.
     */
    @JsonProperty("GRAD_DIFF_OVER_STEP") GRAD_DIFF_OVER_STEP
}
