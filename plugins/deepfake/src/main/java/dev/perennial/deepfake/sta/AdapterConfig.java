package dev.perennial.deepfake.sta;

import java.util.List;

/**
 * The shape of one spatiotemporal adapter (specs/deepfake.md §B.1.2, defaults of §B.2: C' = 512, kernels
 * {3, 5, 7} for both streams, 2 heads, zero-initialised up-projection).
 *
 * @param width C, the backbone's token width
 * @param bottleneck C'
 * @param frames T, frames per clip
 * @param spatialKernels k of the (1, k, k) spatial kernels, odd
 * @param temporalKernels k of the (k, 1, 1) temporal kernels, odd
 * @param heads heads of the two cross-attentions, dividing C'
 * @param zeroInitUp whether W_up and b_up start at 0, making the adapter the identity (the paper's intent; the
 *     released code has the routine commented out, pitfall B.5.2)
 */
public record AdapterConfig(int width, int bottleneck, int frames, List<Integer> spatialKernels,
                            List<Integer> temporalKernels, int heads, boolean zeroInitUp) {

    /** Validates every field. */
    public AdapterConfig {
        spatialKernels = List.copyOf(spatialKernels);
        temporalKernels = List.copyOf(temporalKernels);
        if (width <= 0 || bottleneck <= 0 || frames <= 0) {
            throw new IllegalArgumentException("adapter: width, bottleneck and frames must be positive; got "
                    + width + ", " + bottleneck + ", " + frames);
        }
        if (spatialKernels.isEmpty() || temporalKernels.isEmpty()) {
            throw new IllegalArgumentException("adapter: spatialKernels and temporalKernels must not be empty");
        }
        for (int k : spatialKernels) {
            checkKernel(k, "spatialKernels");
        }
        for (int k : temporalKernels) {
            checkKernel(k, "temporalKernels");
        }
        if (heads <= 0 || bottleneck % heads != 0) {
            throw new IllegalArgumentException("adapter: heads (" + heads + ") must divide the bottleneck ("
                    + bottleneck + ")");
        }
    }

    private static void checkKernel(int k, String field) {
        if (k <= 0 || k % 2 == 0) {
            throw new IllegalArgumentException("adapter: " + field + " must be odd positive sizes; got " + k);
        }
    }

    /**
     * The released configuration for a backbone of width C: C' = 512, kernels {3, 5, 7}, 2 heads, zero-init up.
     *
     * @param width C
     * @param frames T
     * @return the config
     */
    public static AdapterConfig released(int width, int frames) {
        return new AdapterConfig(width, 512, frames, List.of(3, 5, 7), List.of(3, 5, 7), 2, true);
    }

    /**
     * P(C, C') of §B.1.4 for this shape: down + up + depthwise weights and biases + BN affine + 2 MHA.
     *
     * @return the number of trainable parameters
     */
    public long parameterCount() {
        long c = width;
        long b = bottleneck;
        long volumes = 0;
        for (int k : spatialKernels) {
            volumes += (long) k * k;
        }
        for (int k : temporalKernels) {
            volumes += k;
        }
        long stacks = spatialKernels.size() + temporalKernels.size();
        return c * b + b + b * c + c + 3 * b * volumes + 3 * stacks * b + 6 * stacks * b + 2 * (4 * b * b + 4 * b);
    }
}
