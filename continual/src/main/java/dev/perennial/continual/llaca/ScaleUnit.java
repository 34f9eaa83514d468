package dev.perennial.continual.llaca;

/**
 * What LLaCA's scale factor s is relative to (issue #23). The coefficient s·(1 + b)/(a·c) is built from L1 sums over
 * a tensor: with n elements, b ≈ n·|g|, a ≈ n·|θ − θ*| and c ≈ n·|Δg| (element means), so it is about
 * s·|g| / (n·|θ − θ*|·|Δg|) when n·|g| ≫ 1 and s / (n²·|θ − θ*|·|Δg|) when n·|g| ≪ 1: at equal element means it
 * falls with the tensor's size. Measured on the tiny LLaVA (BENCHMARKS.md, "LLaCA's scale"), the 64-element
 * projector biases follow the 1/n² law against the 512-element LoRA matrices, but among the 512–4096-element
 * matrices the element means differ by tensor role more than the size does, so {@link #ELEMENT} spreads them
 * further apart than {@link #TENSOR}; the sample keeps s per tensor.
 */
public enum ScaleUnit {
    /** s as given, the same for every tensor (the official code; s = 2 in CoIN, 0.01 in Continual-NExT). */
    TENSOR,
    /** s per element: the coefficient uses s·n for a tensor of n elements (cancels the 1/n above). */
    ELEMENT
}
