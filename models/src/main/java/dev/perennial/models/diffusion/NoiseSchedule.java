package dev.perennial.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.nn.Owned;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The DDPM forward process (Ho et al. 2020): a β schedule over T training steps, ᾱ_t = Π_{s≤t}(1 − β_s), noising
 * {@code x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε} and the ε-prediction loss {@code mean((ε̂ − ε)²)}.
 *
 * <p>Two β schedules, named as diffusers names them: {@code linear} (β evenly spaced from β_start to β_end, as in
 * DDPM) and {@code scaled_linear} (the square roots evenly spaced, then squared). The latter is what latent diffusion
 * calls "linear" and what Stable Diffusion and DiffusionFake use (0.00085 → 0.012, 1000 steps; spec Part D).
 * ᾱ is computed in double precision.
 */
public final class NoiseSchedule {
    /** How β is spaced. */
    public enum BetaSchedule {
        /** β evenly spaced. */
        LINEAR,
        /** √β evenly spaced (latent diffusion's "linear"). */
        SCALED_LINEAR
    }

    private final int trainSteps;
    private final double betaStart;
    private final double betaEnd;
    private final BetaSchedule kind;
    private final double[] alphasCumprod;

    /**
     * Creates the schedule.
     *
     * @param trainSteps T
     * @param betaStart β_0 (> 0)
     * @param betaEnd β_{T−1} (< 1, ≥ β_0)
     * @param kind the spacing
     */
    public NoiseSchedule(int trainSteps, double betaStart, double betaEnd, BetaSchedule kind) {
        if (trainSteps < 2 || !(betaStart > 0) || !(betaEnd < 1) || betaEnd < betaStart) {
            throw new IllegalArgumentException("NoiseSchedule: need at least 2 steps and 0 < beta_start <= beta_end"
                    + " < 1; got " + trainSteps + " steps, beta " + betaStart + " .. " + betaEnd);
        }
        this.trainSteps = trainSteps;
        this.betaStart = betaStart;
        this.betaEnd = betaEnd;
        this.kind = kind;
        this.alphasCumprod = new double[trainSteps];
        double prod = 1;
        for (int t = 0; t < trainSteps; t++) {
            double f = (double) t / (trainSteps - 1);
            double beta = kind == BetaSchedule.LINEAR ? betaStart + f * (betaEnd - betaStart)
                    : Math.pow(Math.sqrt(betaStart) + f * (Math.sqrt(betaEnd) - Math.sqrt(betaStart)), 2);
            prod *= 1 - beta;
            alphasCumprod[t] = prod;
        }
    }

    /** @return Stable Diffusion's (and DiffusionFake's) schedule: 1000 steps, scaled_linear 0.00085 → 0.012 */
    public static NoiseSchedule stableDiffusion() {
        return new NoiseSchedule(1000, 0.00085, 0.012, BetaSchedule.SCALED_LINEAR);
    }

    /**
     * Reads a diffusers {@code scheduler/scheduler_config.json} ({@code num_train_timesteps}, {@code beta_start},
     * {@code beta_end}, {@code beta_schedule}, {@code prediction_type} must be {@code epsilon}).
     *
     * @param path the file or its directory
     * @return the schedule
     * @throws IOException if it cannot be read
     */
    public static NoiseSchedule read(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("scheduler_config.json") : path;
        DiffusersJson j = DiffusersJson.read(file);
        j.requireAbsentOr("prediction_type", "epsilon");
        String kind = j.string("beta_schedule", "linear");
        BetaSchedule k = switch (kind) {
            case "linear" -> BetaSchedule.LINEAR;
            case "scaled_linear" -> BetaSchedule.SCALED_LINEAR;
            default -> throw j.error("beta_schedule", "is '" + kind + "'; accepted: linear, scaled_linear");
        };
        return new NoiseSchedule(j.positive("num_train_timesteps", 1000), j.number("beta_start", 0.0001),
                j.number("beta_end", 0.02), k);
    }

    /** @return T */
    public int trainSteps() {
        return trainSteps;
    }

    /** @return the spacing */
    public BetaSchedule kind() {
        return kind;
    }

    /**
     * @param t a timestep in [0, T)
     * @return ᾱ_t
     */
    public double alphaCumprod(int t) {
        if (t < 0 || t >= trainSteps) {
            throw new IllegalArgumentException("timestep " + t + " outside [0, " + trainSteps + ")");
        }
        return alphasCumprod[t];
    }

    /**
     * Noises clean samples: {@code √ᾱ_t·x_0 + √(1−ᾱ_t)·ε}, one timestep per sample.
     *
     * @param x0 clean samples (B, …)
     * @param noise ε, same shape
     * @param timesteps B timesteps
     * @return x_t in {@code x0}'s manager
     */
    public NDArray addNoise(NDArray x0, NDArray noise, int[] timesteps) {
        Shape s = x0.getShape();
        if (timesteps.length != s.get(0) || !noise.getShape().equals(s)) {
            throw new IllegalArgumentException("addNoise: need one timestep per sample and noise of the samples' "
                    + "shape; got " + timesteps.length + " timesteps, samples " + s + ", noise " + noise.getShape());
        }
        float[] a = new float[timesteps.length];
        float[] b = new float[timesteps.length];
        for (int i = 0; i < timesteps.length; i++) {
            double ac = alphaCumprod(timesteps[i]);
            a[i] = (float) Math.sqrt(ac);
            b[i] = (float) Math.sqrt(1 - ac);
        }
        long[] bs = new long[s.dimension()];
        java.util.Arrays.fill(bs, 1L);
        bs[0] = s.get(0);
        Shape coef = new Shape(bs);
        return x0.mul(Owned.floats(x0.getManager(), a, coef)).add(noise.mul(Owned.floats(x0.getManager(), b, coef)));
    }

    /**
     * The ε-prediction (simple) loss, {@code mean((ε̂ − ε)²)} over every element.
     *
     * @param predicted ε̂
     * @param noise ε
     * @return the scalar loss
     */
    public static NDArray epsilonLoss(NDArray predicted, NDArray noise) {
        return predicted.sub(noise).square().mean();
    }

    /**
     * The timesteps of the batch as a float array for the UNet.
     *
     * @param like an array of the target manager
     * @param timesteps the timesteps
     * @return (B) float32
     */
    public static NDArray timestepArray(NDArray like, int[] timesteps) {
        float[] f = new float[timesteps.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = timesteps[i];
        }
        return Owned.floats(like.getManager(), f);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "NoiseSchedule(%d steps, %s %.5g..%.5g)", trainSteps,
                kind.name().toLowerCase(Locale.ROOT), betaStart, betaEnd);
    }
}
