package dev.perennial.augmentation;

import java.util.SplittableRandom;

/**
 * Draws from Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b); the gamma draws use Marsaglia and
 * Tsang's squeeze method (ACM TOMS 26(3), 2000), with the {@code U^(1/a)} boost for shapes below one.
 * Mixup and cutmix sample their mixing weight λ from it.
 */
public final class BetaDistribution {

    private BetaDistribution() {}

    /**
     * One draw from Beta(a, b).
     *
     * @param random the generator
     * @param a the first shape, &gt; 0
     * @param b the second shape, &gt; 0
     * @return a value in [0, 1]
     * @throws IllegalArgumentException when a shape is not positive
     */
    public static double sample(SplittableRandom random, double a, double b) {
        if (!(a > 0) || !(b > 0)) {
            throw new IllegalArgumentException("Beta shapes must be > 0; were " + a + ", " + b);
        }
        double x = gamma(random, a);
        double y = gamma(random, b);
        double sum = x + y;
        if (sum == 0) {
            // Both draws underflowed (tiny shapes): Beta(a, b) then puts its mass at the ends, weighted a : b.
            return random.nextDouble() < a / (a + b) ? 1.0 : 0.0;
        }
        return x / sum;
    }

    static double gamma(SplittableRandom random, double shape) {
        if (shape < 1) {
            double u = random.nextDouble();
            return gamma(random, shape + 1) * Math.pow(u, 1 / shape);
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = gaussian(random);
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = random.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    /**
     * A standard normal draw (Box–Muller), so all randomness stays in one {@link SplittableRandom}.
     *
     * @param random the generator
     * @return N(0, 1)
     */
    public static double gaussian(SplittableRandom random) {
        double u1 = 1 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
