package dev.perennial.models.nn;

import ai.djl.training.initializer.Initializer;

/**
 * The torch initialisations the blocks reproduce, as DJL {@link Initializer}s.
 *
 * <p>Only the distributions matter (not torch's random stream): pre-trained weights are loaded over them and
 * tests compare against goldens whose weights are copied in.
 */
public final class ParameterInit {
    private ParameterInit() {}

    /**
     * torch {@code nn.init.kaiming_uniform_(w, a=sqrt(5))}, the default of {@code nn.Linear} and
     * {@code nn.Conv2d}: U(−1/√fan_in, 1/√fan_in).
     *
     * @param fanIn the fan-in (input features, or in_channels × kernel area)
     * @return the initializer
     */
    public static Initializer kaimingUniform(long fanIn) {
        float bound = (float) (1.0 / Math.sqrt(fanIn));
        return (manager, shape, dataType) -> manager.randomUniform(-bound, bound, shape, dataType);
    }

    /**
     * Normal distribution N(mean, std²).
     *
     * @param mean the mean
     * @param std the standard deviation
     * @return the initializer
     */
    public static Initializer normal(float mean, float std) {
        return (manager, shape, dataType) -> manager.randomNormal(mean, std, shape, dataType);
    }

    /**
     * timm's {@code trunc_normal_(std)}: normal with std, truncated at ±2 (absolute, as timm's default
     * {@code a=-2, b=2}); for std = 0.02 the truncation never bites, so a plain normal clipped to ±2 is used.
     *
     * @param std the standard deviation
     * @return the initializer
     */
    public static Initializer truncatedNormal(float std) {
        return (manager, shape, dataType) -> manager.randomNormal(0f, std, shape, dataType).clip(-2f, 2f);
    }

    /**
     * Uniform distribution U(−bound, bound).
     *
     * @param bound the half-width
     * @return the initializer
     */
    public static Initializer uniform(float bound) {
        return (manager, shape, dataType) -> manager.randomUniform(-bound, bound, shape, dataType);
    }

    /** All zeros. */
    public static final Initializer ZEROS = Initializer.ZEROS;

    /** All ones. */
    public static final Initializer ONES = Initializer.ONES;
}
