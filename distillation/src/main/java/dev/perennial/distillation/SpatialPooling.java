package dev.perennial.distillation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Global average pooling over every spatial position, the "spatial smoothing" of cakd.md §2.3: a CNN map
 * {@code (N, C, H, W)} and a token sequence {@code (N, T, D)} both become one vector per sample, so the
 * loss that follows no longer sees where a feature was.
 */
public final class SpatialPooling {
    private SpatialPooling() {}

    /**
     * Pools a feature map or token sequence to {@code (N, C)}; a {@code (N, C)} input is returned as is.
     *
     * @param x {@code (N, C)}, {@code (N, T, D)} or {@code (N, C, H, W)}
     * @param what the name of the array, for the error message
     * @return {@code (N, C)}
     * @throws IllegalArgumentException for any other rank
     */
    public static NDArray globalAverage(NDArray x, String what) {
        Shape s = x.getShape();
        return switch (s.dimension()) {
            case 2 -> x;
            case 3 -> x.mean(new int[] {1});
            // The engine's mean reduces one axis well; flatten H×W first (as models.cnn does).
            case 4 -> x.reshape(s.get(0), s.get(1), -1).mean(new int[] {2});
            default -> throw new IllegalArgumentException(what + " must be (N, C), (N, tokens, D) or (N, C, H, W);"
                    + " got shape " + s);
        };
    }
}
