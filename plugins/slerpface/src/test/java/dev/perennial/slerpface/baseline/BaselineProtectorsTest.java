package dev.perennial.slerpface.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.slerpface.security.SyntheticTemplates;
import dev.perennial.spi.Protector.TemplateKey;
import org.junit.jupiter.api.Test;

/** The baselines: raw cosine, and BioHashing's match / revocation behaviour. */
class BaselineProtectorsTest {

    private final SyntheticTemplates faces = new SyntheticTemplates(8, 8, 0.3, 1.0, 0.1, 5);

    private float[] features(int id, int image) {
        double[] f = faces.sample(id, image).features();
        float[] out = new float[f.length];
        for (int j = 0; j < f.length; j++) {
            out[j] = (float) f[j];
        }
        return out;
    }

    @Test
    void noProtectionIsTheCosine() {
        NoProtection none = new NoProtection();
        TemplateKey key = none.newKey(1);
        float[] a = features(1, 0);
        assertEquals(1.0, none.similarity(none.protect(a, key), a, key), 1e-9);
        assertEquals(RandomProjection.cosine(a, features(2, 0)),
                none.similarity(none.protect(a, key), features(2, 0), key), 1e-12);
    }

    @Test
    void bioHashingMatchesGenuineAndRevokes() {
        RandomProjection rp = new RandomProjection(new RandomProjectionConfig(64, 64, true));
        TemplateKey key = rp.newKey(3);
        var stored = rp.protect(features(1, 0), key);
        double genuine = rp.similarity(stored, features(1, 1), key);
        double impostor = rp.similarity(stored, features(2, 1), key);
        double otherKey = rp.similarity(stored, features(1, 0), rp.newKey(4));
        assertEquals(1.0, rp.similarity(stored, features(1, 0), key), 1e-12);
        assertTrue(genuine > impostor, genuine + " vs " + impostor);
        assertTrue(Math.abs(otherKey) < 0.4, "same face under a new key scores " + otherKey);
    }

    @Test
    void projectionRowsAreOrthonormal() {
        RandomProjection rp = new RandomProjection(new RandomProjectionConfig(32, 16, false));
        float[] r = rp.newKey(7).values();
        for (int a = 0; a < 16; a++) {
            for (int b = 0; b < 16; b++) {
                double dot = 0;
                for (int j = 0; j < 32; j++) {
                    dot += r[a * 32 + j] * r[b * 32 + j];
                }
                assertEquals(a == b ? 1.0 : 0.0, dot, 1e-5);
            }
        }
    }

    @Test
    void configAndInputsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new RandomProjectionConfig(16, 32, true));
        RandomProjection rp = new RandomProjection(new RandomProjectionConfig(64, 64, true));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> rp.protect(new float[3], rp.newKey(1)))
                .getMessage().contains("inputLength"));
        assertThrows(IllegalArgumentException.class, () -> new NoProtection().protect(new float[] {Float.NaN},
                null));
    }
}
