package dev.perennial.slerpface.baseline;

import dev.perennial.spi.Protector;

/**
 * The unprotected baseline: the stored "protected" template IS the raw template and the score is the cosine
 * similarity. It exists to measure what protection costs in accuracy and buys in security; never deploy it.
 */
public final class NoProtection implements Protector {

    /** The scheme written into every stored template. */
    public static final String SCHEME = "none/1";

    /** The key is empty: there is nothing secret. */
    @Override
    public TemplateKey newKey(long seed) {
        return new TemplateKey("none", new float[0]);
    }

    @Override
    public ProtectedTemplate protect(float[] template, TemplateKey key) {
        checkFinite(template, "template");
        return new ProtectedTemplate(SCHEME, template.clone(), new boolean[0]);
    }

    /** {@code cos(enrolled, probe)}. */
    @Override
    public double similarity(ProtectedTemplate enrolled, float[] probe, TemplateKey key) {
        if (!SCHEME.equals(enrolled.scheme())) {
            throw new IllegalArgumentException("none: the enrolled template's scheme is '" + enrolled.scheme()
                    + "'; expected '" + SCHEME + "'");
        }
        checkFinite(probe, "probe");
        if (probe.length != enrolled.values().length) {
            throw new IllegalArgumentException("none: probe has " + probe.length + " values; the enrolled template "
                    + enrolled.values().length);
        }
        return RandomProjection.cosine(enrolled.values(), probe);
    }

    static void checkFinite(float[] values, String what) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException("the " + what + " is empty");
        }
        for (int j = 0; j < values.length; j++) {
            if (!Float.isFinite(values[j])) {
                throw new IllegalArgumentException("the " + what + " has a non-finite value at " + j + ": "
                        + values[j]);
            }
        }
    }
}
