package dev.perennial.continual.llaca;

/**
 * What LLaCA's scale factor s is relative to (issue #23). The coefficient s·(1 + b)/(a·c) is built from L1 sums over
 * a tensor: with n elements, b ≈ n·|g|, a ≈ n·|θ − θ*| and c ≈ n·|Δg| (element means), so for n·|g| ≫ 1 it is
 * about s·|g| / (n·|θ − θ*|·|Δg|): it falls as 1/n, and one fixed s cannot put tensors of different sizes inside
 * (0, 1) alike.
 */
public enum ScaleUnit {
    /** s as given, the same for every tensor (the official code; s = 2 in CoIN, 0.01 in Continual-NExT). */
    TENSOR,
    /**
     * s per element: the coefficient uses s·n for a tensor of n elements, which cancels the 1/n above, so one s
     * fits every tensor size.
     */
    ELEMENT
}
