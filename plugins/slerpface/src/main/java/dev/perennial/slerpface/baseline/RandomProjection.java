package dev.perennial.slerpface.baseline;

import dev.perennial.spi.Protector;
import java.util.Random;

/**
 * The random-projection baseline (BioHashing, Teoh et al. 2004, in its usual form): a per-user key is an
 * orthonormalised Gaussian matrix {@code R} (outputLength × inputLength); the protected template is
 * {@code b = sign(R·t)} (or {@code R·t} when not binarizing). The score is {@code 1 − 2·Hamming(b, b')/n}
 * for bits (equal to the mean agreement of signs, in [−1, 1]) and the cosine otherwise.
 *
 * <p>Its known weakness, which the evaluation shows: with the key stolen, {@code R} is invertible (orthonormal
 * rows), so the real-valued variant leaks the template exactly and the binary variant leaks its direction.
 */
public final class RandomProjection implements Protector {

    /** The scheme written into every stored template. */
    public static final String SCHEME = "random-projection/1";

    private final RandomProjectionConfig config;

    /**
     * A protector with this configuration.
     *
     * @param config the configuration
     */
    public RandomProjection(RandomProjectionConfig config) {
        this.config = config;
    }

    /**
     * The configuration.
     *
     * @return the configuration
     */
    public RandomProjectionConfig config() {
        return config;
    }

    /** The orthonormalised (Gram–Schmidt) Gaussian matrix, row-major, drawn from the seed. */
    @Override
    public TemplateKey newKey(long seed) {
        Random random = new Random(seed);
        int rows = config.outputLength();
        int cols = config.inputLength();
        double[][] r = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                r[i][j] = random.nextGaussian();
            }
            // modified Gram–Schmidt against the rows before (one pass suffices for Gaussian rows in double)
            for (int p = 0; p < i; p++) {
                double dot = 0;
                for (int j = 0; j < cols; j++) {
                    dot += r[i][j] * r[p][j];
                }
                for (int j = 0; j < cols; j++) {
                    r[i][j] -= dot * r[p][j];
                }
            }
            double norm = 0;
            for (int j = 0; j < cols; j++) {
                norm += r[i][j] * r[i][j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < cols; j++) {
                r[i][j] /= norm;
            }
        }
        float[] values = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                values[i * cols + j] = (float) r[i][j];
            }
        }
        return new TemplateKey("rp-" + Long.toHexString(Double.doubleToLongBits(r[0][0]) ^ seed * 0x9E3779B97F4A7C15L),
                values);
    }

    @Override
    public ProtectedTemplate protect(float[] template, TemplateKey key) {
        return new ProtectedTemplate(SCHEME, project(template, key), new boolean[0]);
    }

    @Override
    public double similarity(ProtectedTemplate enrolled, float[] probe, TemplateKey key) {
        if (!SCHEME.equals(enrolled.scheme()) || enrolled.values().length != config.outputLength()) {
            throw new IllegalArgumentException("random-projection: the enrolled template is '" + enrolled.scheme()
                    + "' with " + enrolled.values().length + " values; expected '" + SCHEME + "' with "
                    + config.outputLength());
        }
        float[] b = project(probe, key);
        if (!config.binarize()) {
            return cosine(enrolled.values(), b);
        }
        int agree = 0;
        for (int i = 0; i < b.length; i++) {
            agree += enrolled.values()[i] == b[i] ? 1 : 0;
        }
        return 2.0 * agree / b.length - 1;
    }

    /**
     * {@code R·t}, or its signs (±1) when binarizing.
     *
     * @param template the template
     * @param key the projection
     * @return the protected values
     */
    public float[] project(float[] template, TemplateKey key) {
        NoProtection.checkFinite(template, "template");
        int rows = config.outputLength();
        int cols = config.inputLength();
        if (template.length != cols) {
            throw new IllegalArgumentException("random-projection: template has " + template.length
                    + " values; inputLength is " + cols);
        }
        if (key.values().length != rows * cols) {
            throw new IllegalArgumentException("random-projection: key has " + key.values().length
                    + " values; expected outputLength*inputLength = " + rows * cols + " (draw it with newKey)");
        }
        float[] out = new float[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += key.values()[i * cols + j] * template[j];
            }
            out[i] = config.binarize() ? (s >= 0 ? 1f : -1f) : (float) s;
        }
        return out;
    }

    /**
     * The cosine similarity, 0 when either vector is zero.
     *
     * @param a one vector
     * @param b another of the same length
     * @return cos(a, b)
     */
    public static double cosine(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int j = 0; j < a.length; j++) {
            ab += (double) a[j] * b[j];
            aa += (double) a[j] * a[j];
            bb += (double) b[j] * b[j];
        }
        return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
    }
}
