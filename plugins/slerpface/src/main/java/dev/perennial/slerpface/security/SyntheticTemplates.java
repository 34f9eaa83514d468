package dev.perennial.slerpface.security;

import dev.perennial.slerpface.GroupedTemplate;
import java.util.Random;

/**
 * Generated identity clusters of grouped templates (spec §7, "synthetic templates"): per identity a random
 * {@code m × d} mean and random attention logits; per image the mean plus {@code σ·N(0, 1)} noise and the
 * logits plus {@code τ·N(0, 1)} noise, softmaxed into group weights. Every sample is a pure function of
 * (seed, identity, image), so train / test identities and repeated runs are reproducible.
 *
 * <p>What it shows: the protection's geometry (genuine vs impostor score distributions, revocation,
 * unlinkability, key-known and learned inversion) under an idealised recogniser whose within-identity spread is
 * {@code σ}. What it does not show: how a real face recogniser's templates (correlated dimensions, pose and
 * lighting failure modes) behave; numbers on it are not comparable to LFW accuracies.
 *
 * @param groups m
 * @param groupSize d
 * @param noise σ, the within-identity spread relative to the unit-variance identity mean
 * @param weightSpread the standard deviation of an identity's attention logits
 * @param weightNoise τ, the per-image jitter of the logits
 * @param seed the seed
 */
public record SyntheticTemplates(int groups, int groupSize, double noise, double weightSpread, double weightNoise,
                                 long seed) implements TemplateSource {

    /** Validates the sizes and spreads. */
    public SyntheticTemplates {
        if (groups < 2 || groupSize < 1) {
            throw new IllegalArgumentException("synthetic templates: groups >= 2 and groupSize >= 1 expected, got "
                    + groups + ", " + groupSize);
        }
        if (!(noise >= 0) || !(weightSpread >= 0) || !(weightNoise >= 0)) {
            throw new IllegalArgumentException("synthetic templates: noise, weightSpread and weightNoise must be"
                    + " >= 0, got " + noise + ", " + weightSpread + ", " + weightNoise);
        }
    }

    /**
     * The template of one image of one identity.
     *
     * @param identity the identity, any int
     * @param image the image of that identity, any int
     * @return the template
     */
    @Override
    public GroupedTemplate sample(int identity, int image) {
        int n = groups * groupSize;
        Random idRandom = new Random(seed * 0x9E3779B97F4A7C15L + identity);
        Random imageRandom = new Random((seed * 31 + identity) * 0xBF58476D1CE4E5B9L + image);
        double[] features = new double[n];
        for (int j = 0; j < n; j++) {
            features[j] = idRandom.nextGaussian() + noise * imageRandom.nextGaussian();
        }
        double[] logits = new double[groups];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < groups; i++) {
            logits[i] = weightSpread * idRandom.nextGaussian() + weightNoise * imageRandom.nextGaussian();
            max = Math.max(max, logits[i]);
        }
        double sum = 0;
        double[] weights = new double[groups];
        for (int i = 0; i < groups; i++) {
            weights[i] = Math.exp(logits[i] - max);
            sum += weights[i];
        }
        for (int i = 0; i < groups; i++) {
            weights[i] /= sum;
        }
        return new GroupedTemplate(features, weights, groupSize);
    }
}
