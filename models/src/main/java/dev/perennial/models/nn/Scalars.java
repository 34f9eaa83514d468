package dev.perennial.models.nn;

import ai.djl.ndarray.NDArray;

/**
 * Arithmetic with a constant that stays correct through a backward pass.
 *
 * <p>DJL 0.36's {@code NDArray.mul(Number)} and {@code div(Number)} wrap the constant in a temporary array whose
 * memory is a Java direct buffer, run the operation, and close the temporary at once. Autograd keeps that scalar
 * tensor for the backward pass (the gradient of {@code x·s} is {@code g·s}); once the garbage collector frees the
 * buffer, the backward pass reads freed memory. A 300-step probe ({@code y = x.mul(3f)}, a collection, backward)
 * got a wrong gradient in 246 runs. Here the constant is an array of the operand's own manager, which lives until
 * that manager (the step's) is closed, after the backward pass.
 *
 * <p>{@link #add} and {@link #sub} exist so that the rule has no exception: PyTorch's backward of a sum does not
 * read the constant today, but a constant on a differentiable path is always an array of the operand's manager.
 */
public final class Scalars {
    private Scalars() {}

    /**
     * {@code x · s}, differentiable.
     *
     * @param x the operand
     * @param s the constant
     * @return the product, in {@code x}'s manager
     */
    public static NDArray mul(NDArray x, float s) {
        return x.mul(Owned.scalar(x.getManager(), s));
    }

    /**
     * {@code x / s}, differentiable.
     *
     * @param x the operand
     * @param s the constant
     * @return the quotient, in {@code x}'s manager
     */
    public static NDArray div(NDArray x, float s) {
        return x.div(Owned.scalar(x.getManager(), s));
    }

    /**
     * {@code max(x, s)} elementwise, differentiable (its backward compares against the saved constant).
     *
     * @param x the operand
     * @param s the constant
     * @return the maximum, in {@code x}'s manager
     */
    public static NDArray maximum(NDArray x, float s) {
        return x.maximum(Owned.scalar(x.getManager(), s));
    }

    /**
     * {@code min(x, s)} elementwise, differentiable.
     *
     * @param x the operand
     * @param s the constant
     * @return the minimum, in {@code x}'s manager
     */
    public static NDArray minimum(NDArray x, float s) {
        return x.minimum(Owned.scalar(x.getManager(), s));
    }

    /**
     * {@code x + s}, differentiable.
     *
     * @param x the operand
     * @param s the constant
     * @return the sum, in {@code x}'s manager
     */
    public static NDArray add(NDArray x, float s) {
        return x.add(Owned.scalar(x.getManager(), s));
    }

    /**
     * {@code x − s}, differentiable.
     *
     * @param x the operand
     * @param s the constant
     * @return the difference, in {@code x}'s manager
     */
    public static NDArray sub(NDArray x, float s) {
        return x.sub(Owned.scalar(x.getManager(), s));
    }

    /**
     * {@code x^s} elementwise, differentiable (its backward reads the saved exponent: {@code g·s·x^(s−1)}).
     *
     * @param x the operand
     * @param s the exponent
     * @return the power, in {@code x}'s manager
     */
    public static NDArray pow(NDArray x, float s) {
        return x.pow(Owned.scalar(x.getManager(), s));
    }
}
