package dev.perennial.slerpface;

import dev.perennial.spi.Protector;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The {@code slerpface} protector: group-wise slerp toward a per-template Gaussian key, recognition-favoured
 * group-wise dropout, renormalisation and weighting at enrolment; the asymmetric matching rule at verification
 * (spec §1.3–1.7, as the official code does it).
 *
 * <p>Enrolment (§1.6): {@code p_i = slerp(t_i, k_i; α − w_i)}, zero the drawn dimensions of {@code p_i}, then
 * {@code g_i = w_i · p̃_i / ‖p̃_i‖}. The stored {@link ProtectedTemplate} holds {@code g} and the keep mask;
 * the key is returned separately and must be stored apart (§5.3).
 *
 * <p>Matching (§1.7): the probe is slerped with the gallery's key but its OWN weights
 * ({@code α − w^q_i}), masked like the gallery, renormalised per group, and scored
 * {@code s = Σ_i ⟨q̂_i, g_i⟩ = Σ_i w_i · cos(q_i, g_i)} ∈ [−1, 1]; {@link #distance} is {@code arccos(s)/π}.
 * Scores are compressed toward 1 (both sides are pulled toward the same key, §5.6): calibrate thresholds on
 * protected scores only.
 *
 * <p>Leakage (F9, documented rather than hidden): {@code ‖g_i‖ = w_i}, so the stored template reveals the
 * gallery's attention map, and its zeros reveal the dropout pattern.
 */
public final class SlerpProtector implements Protector {

    /** The scheme written into every protected template: the name and the format of the values. */
    public static final String SCHEME = "slerpface/1";

    private final SlerpFaceConfig config;

    /**
     * A protector with this configuration.
     *
     * @param config the validated configuration
     */
    public SlerpProtector(SlerpFaceConfig config) {
        this.config = config;
    }

    /**
     * The configuration.
     *
     * @return the configuration
     */
    public SlerpFaceConfig config() {
        return config;
    }

    /**
     * A key of {@code m × d} values drawn i.i.d. from N(0, 1) (spec §1.4) and normalised per group (the stored
     * form, §1.6). The seed fixes the draw, so give a fresh, secret seed per template, e.g. from
     * {@link java.security.SecureRandom} (which {@code TemplateVault} does); the key's id is a fingerprint of
     * its values, never the seed.
     */
    @Override
    public TemplateKey newKey(long seed) {
        return keyFrom(new Random(seed));
    }

    /**
     * A key drawn from any source (e.g. a {@link java.security.SecureRandom} for the full key entropy).
     *
     * @param random the source of the Gaussian draws
     * @return the key, normalised per group
     */
    public TemplateKey keyFrom(Random random) {
        int m = config.groups();
        int d = config.groupSize();
        float[] values = new float[m * d];
        for (int i = 0; i < m; i++) {
            double[] k = new double[d];
            for (int j = 0; j < d; j++) {
                k[j] = random.nextGaussian();
            }
            double[] unit = GroupSlerp.normalize(k);
            for (int j = 0; j < d; j++) {
                values[i * d + j] = (float) unit[j];
            }
        }
        return new TemplateKey(fingerprint(values), values);
    }

    /**
     * Protects a template (flat layout of {@link GroupedTemplate#fromFlat}); the dropout draws come from the
     * configured seed mixed with the key's values, so the same template and key always give the same result.
     */
    @Override
    public ProtectedTemplate protect(float[] template, TemplateKey key) {
        GroupedTemplate t = GroupedTemplate.fromFlat(template, config, "template");
        double[] k = checkedKey(key);
        SplittableRandom random = new SplittableRandom(config.seed() ^ Long.rotateLeft(fingerprintBits(key), 17));
        int[][] draws = GroupDropout.draw(t.weights(), config, random);
        return protect(t, k, draws);
    }

    /**
     * Protects a template with given dropout draws (for golden tests against the reference, whose numpy draws
     * cannot be reproduced in Java: spec F12, §5.14).
     *
     * @param template the template
     * @param key the key values, {@code m·d}
     * @param draws per group the indices to zero
     * @return the protected template
     */
    public ProtectedTemplate protect(GroupedTemplate template, double[] key, int[][] draws) {
        int m = config.groups();
        int d = config.groupSize();
        if (template.groups() != m || template.groupSize() != d || key.length != m * d || draws.length != m) {
            throw new IllegalArgumentException("slerpface: template " + template + ", key of " + key.length
                    + " values and " + draws.length + " dropout groups do not match groups=" + m + ", groupSize="
                    + d);
        }
        double[] w = template.weights();
        boolean[] keep = GroupDropout.keepMask(draws, d);
        float[] g = new float[m * d];
        for (int i = 0; i < m; i++) {
            double[] p = GroupSlerp.slerp(template.group(i), keyGroup(key, i), config.alpha() - w[i],
                    config.sinThetaEpsilon());
            double[] stored = weightedUnitMasked(p, keep, i, w[i]);
            for (int j = 0; j < d; j++) {
                g[i * d + j] = (float) stored[j];
            }
        }
        return new ProtectedTemplate(SCHEME, g, keep);
    }

    /**
     * The matching score {@code s = Σ_i ⟨q̂_i, g_i⟩} of a probe (flat layout, with its own weights) against a
     * protected template and its key (spec §1.7).
     */
    @Override
    public double similarity(ProtectedTemplate enrolled, float[] probe, TemplateKey key) {
        GroupedTemplate q = GroupedTemplate.fromFlat(probe, config, "probe");
        return similarity(enrolled, q, checkedKey(key));
    }

    /**
     * The matching score of a grouped probe.
     *
     * @param enrolled the protected gallery template
     * @param probe the probe with its own weights
     * @param key the gallery's key values
     * @return the score in [−1, 1]
     */
    public double similarity(ProtectedTemplate enrolled, GroupedTemplate probe, double[] key) {
        int m = config.groups();
        int d = config.groupSize();
        boolean[] keep = checkedEnrolled(enrolled);
        if (probe.groups() != m || probe.groupSize() != d || key.length != m * d) {
            throw new IllegalArgumentException("slerpface: probe " + probe + " or key of " + key.length
                    + " values does not match groups=" + m + ", groupSize=" + d);
        }
        double[] wq = probe.weights();
        float[] g = enrolled.values();
        double score = 0;
        for (int i = 0; i < m; i++) {
            double[] q = GroupSlerp.slerp(probe.group(i), keyGroup(key, i), config.alpha() - wq[i],
                    config.sinThetaEpsilon());
            double[] unit = weightedUnitMasked(q, keep, i, 1.0);
            for (int j = 0; j < d; j++) {
                score += unit[j] * g[i * d + j];
            }
        }
        return score;
    }

    /**
     * The distance of the reference's evaluation, {@code arccos(clip(s, −1, 1))/π ∈ [0, 1]} (spec §1.7).
     *
     * @param score a matching score
     * @return the distance
     */
    public static double distance(double score) {
        return Math.acos(GroupSlerp.clip(score)) / Math.PI;
    }

    /**
     * {@code scale · p̃_i/‖p̃_i‖} where {@code p̃_i} is group i of p with the dropped dimensions zeroed; a group
     * whose kept part is zero stays zero.
     */
    private double[] weightedUnitMasked(double[] p, boolean[] keep, int group, double scale) {
        int d = p.length;
        double[] masked = new double[d];
        for (int j = 0; j < d; j++) {
            masked[j] = keep[group * d + j] ? p[j] : 0;
        }
        double[] unit = GroupSlerp.normalize(masked);
        for (int j = 0; j < d; j++) {
            unit[j] *= scale;
        }
        return unit;
    }

    private boolean[] checkedEnrolled(ProtectedTemplate enrolled) {
        int n = config.featureLength();
        if (enrolled == null || !SCHEME.equals(enrolled.scheme())) {
            throw new IllegalArgumentException("slerpface: the enrolled template's scheme is "
                    + (enrolled == null ? "missing" : "'" + enrolled.scheme() + "'") + "; expected '" + SCHEME
                    + "' (protect it with slerpface)");
        }
        if (enrolled.values().length != n) {
            throw new IllegalArgumentException("slerpface: the enrolled template has " + enrolled.values().length
                    + " values; expected groups*groupSize = " + n);
        }
        if (enrolled.keep().length == n) {
            return enrolled.keep();
        }
        if (enrolled.keep().length != 0) {
            throw new IllegalArgumentException("slerpface: the enrolled template's keep mask has "
                    + enrolled.keep().length + " entries; expected " + n + " or none");
        }
        // No mask stored: the reference reads the pattern off the zeros of g (gen_sim.py).
        boolean[] keep = new boolean[n];
        for (int j = 0; j < n; j++) {
            keep[j] = enrolled.values()[j] != 0;
        }
        return keep;
    }

    private double[] checkedKey(TemplateKey key) {
        int n = config.featureLength();
        if (key == null || key.values() == null || key.values().length != n) {
            throw new IllegalArgumentException("slerpface: the key has "
                    + (key == null || key.values() == null ? "no" : key.values().length)
                    + " values; expected groups*groupSize = " + n + " (draw it with newKey)");
        }
        double[] k = new double[n];
        for (int j = 0; j < n; j++) {
            if (!Float.isFinite(key.values()[j])) {
                throw new IllegalArgumentException("slerpface: key value " + j + " is " + key.values()[j]);
            }
            k[j] = key.values()[j];
        }
        return k;
    }

    private double[] keyGroup(double[] key, int i) {
        int d = config.groupSize();
        double[] out = new double[d];
        System.arraycopy(key, i * d, out, 0, d);
        return out;
    }

    /** A 16-hex-digit fingerprint of the key's values (SHA-256): an id that says nothing about the seed. */
    static String fingerprint(float[] values) {
        return HexFormat.of().formatHex(digest(values), 0, 8);
    }

    private static long fingerprintBits(TemplateKey key) {
        return ByteBuffer.wrap(digest(key.values())).getLong();
    }

    private static byte[] digest(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES);
        for (float v : values) {
            bytes.putFloat(v);
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes.array());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
