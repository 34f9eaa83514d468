package dev.perennial.slerpface;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.slerpface.security.SyntheticTemplates;
import dev.perennial.spi.Protector.ProtectedTemplate;
import dev.perennial.spi.Protector.TemplateKey;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The enrolment and matching properties of spec §4 (F4–F10) and the configuration's validation. */
class SlerpProtectorTest {

    private final SlerpProtector protector = new SlerpProtector(SlerpFaceConfig.defaults());
    /** Random Gaussian features as in the spec's measurements; identities far apart, images σ = 0.3 apart. */
    private final SyntheticTemplates faces = new SyntheticTemplates(49, 16, 0.3, 1.0, 0.1, 7);

    @Test
    void identicalProbeAndGalleryScoreOneAndDistanceZero() {
        float[] t = faces.sample(1, 0).toFlat();
        TemplateKey key = protector.newKey(11);
        double score = protector.similarity(protector.protect(t, key), t, key);
        assertEquals(1.0, score, 1e-5);
        assertEquals(0.0, SlerpProtector.distance(Math.min(1, score)), 2e-3);
    }

    @Test
    void zeroFractionWithDefaultsIsAbout038AndBoundedPerGroup() {
        int enrolments = 400;
        long zeros = 0;
        for (int e = 0; e < enrolments; e++) {
            GroupedTemplate t = faces.sample(e, 0);
            ProtectedTemplate p = protector.protect(t.toFlat(), protector.newKey(e));
            boolean[] low = GroupDropout.lowWeightGroups(t.weights());
            for (int i = 0; i < 49; i++) {
                int groupZeros = 0;
                for (int j = 0; j < 16; j++) {
                    if (!p.keep()[i * 16 + j]) {
                        groupZeros++;
                        assertEquals(0f, p.values()[i * 16 + j]);
                    }
                }
                assertTrue(groupZeros <= (low[i] ? 12 : 4), "group " + i + " lost " + groupZeros);
                assertTrue(groupZeros < 16, "group " + i + " is all zero");
                zeros += groupZeros;
            }
        }
        double fraction = zeros / (double) (enrolments * 784);
        // analytic (24·16·(1−(15/16)^12) + 25·16·(1−(15/16)^4)) / 784 = 0.3800
        assertEquals(0.380, fraction, 0.005);
    }

    @Test
    void exactKModeZeroesExactlyTwelveAndFour() {
        SlerpProtector exact = new SlerpProtector(SlerpFaceConfig.defaults().withDropoutMode(DropoutMode.EXACT_K));
        GroupedTemplate t = faces.sample(3, 0);
        ProtectedTemplate p = exact.protect(t.toFlat(), exact.newKey(3));
        boolean[] low = GroupDropout.lowWeightGroups(t.weights());
        for (int i = 0; i < 49; i++) {
            int groupZeros = 0;
            for (int j = 0; j < 16; j++) {
                groupZeros += p.keep()[i * 16 + j] ? 0 : 1;
            }
            assertEquals(low[i] ? 12 : 4, groupZeros);
        }
    }

    @Test
    void medianSplitOf49DistinctWeightsIs24LowAnd25High() {
        double[] w = faces.sample(5, 0).weights();
        boolean[] low = GroupDropout.lowWeightGroups(w);
        int lows = 0;
        for (boolean b : low) {
            lows += b ? 1 : 0;
        }
        assertEquals(24, lows);
    }

    @Test
    void storedGroupNormsRevealTheWeights() {
        GroupedTemplate t = faces.sample(6, 0);
        ProtectedTemplate p = protector.protect(t.toFlat(), protector.newKey(6));
        double[] w = t.weights();
        for (int i = 0; i < 49; i++) {
            double[] g = new double[16];
            for (int j = 0; j < 16; j++) {
                g[j] = p.values()[i * 16 + j];
            }
            assertEquals(w[i], GroupSlerp.norm(g), 1e-6);
        }
    }

    @Test
    void revokedKeyScoresLikeAnImpostor() {
        float[] enrolment = faces.sample(8, 0).toFlat();
        float[] probe = faces.sample(8, 1).toFlat();
        TemplateKey oldKey = protector.newKey(100);
        TemplateKey newKey = protector.newKey(101);
        ProtectedTemplate leaked = protector.protect(enrolment, oldKey);
        double genuine = protector.similarity(leaked, probe, oldKey);
        // the same face protected under two keys does not match (spec F6: ≈ 0.055 on random features)
        double crossKey = protector.similarity(leaked, enrolment, newKey);
        assertTrue(genuine > 0.95, "genuine " + genuine);
        assertTrue(Math.abs(crossKey) < 0.3, "cross-key " + crossKey);
        double impostor = protector.similarity(leaked, faces.sample(9, 0).toFlat(), oldKey);
        assertTrue(crossKey < impostor, "cross-key " + crossKey + " vs impostor " + impostor);
    }

    @Test
    void sameIdentityScoresHigherThanImpostorsAfterProtection() {
        double genuine = 0;
        double impostor = 0;
        double worstGenuine = 1;
        double bestImpostor = -1;
        int n = 30;
        for (int id = 0; id < n; id++) {
            TemplateKey key = protector.newKey(1000 + id);
            ProtectedTemplate stored = protector.protect(faces.sample(id, 0).toFlat(), key);
            double g = protector.similarity(stored, faces.sample(id, 1).toFlat(), key);
            double i = protector.similarity(stored, faces.sample(id + n, 1).toFlat(), key);
            genuine += g / n;
            impostor += i / n;
            worstGenuine = Math.min(worstGenuine, g);
            bestImpostor = Math.max(bestImpostor, i);
        }
        assertTrue(worstGenuine > bestImpostor, worstGenuine + " vs " + bestImpostor);
        // score compression (spec F7): impostors are pulled toward the key too, so both are high
        assertTrue(impostor > 0.8, "impostor mean " + impostor);
        assertTrue(genuine > impostor);
    }

    @Test
    void withoutDropoutTheKeyKnownInverseRecoversTheTemplate() {
        SlerpProtector noDrop = new SlerpProtector(SlerpFaceConfig.defaults().withDropRate(0));
        GroupedTemplate t = faces.sample(12, 0);
        TemplateKey key = noDrop.newKey(12);
        assertTrue(recoveredCosine(noDrop.protect(t.toFlat(), key), key, t) > 0.9999);
        // with the paper-style dropout the naive inverse fails (spec F8: ≈ 0.03 on random data)
        double withDrop = 0;
        for (int id = 0; id < 20; id++) {
            GroupedTemplate s = faces.sample(id, 0);
            TemplateKey k = protector.newKey(id);
            withDrop += recoveredCosine(protector.protect(s.toFlat(), k), k, s) / 20;
        }
        assertTrue(withDrop < 0.3, "mean recovered cosine with dropout " + withDrop);
    }

    /** The attacker reads w_i = ‖g_i‖ (F9) and inverts each group with the stolen key. */
    private static double recoveredCosine(ProtectedTemplate p, TemplateKey key, GroupedTemplate original) {
        double total = 0;
        for (int i = 0; i < 49; i++) {
            double[] g = new double[16];
            double[] k = new double[16];
            for (int j = 0; j < 16; j++) {
                g[j] = p.values()[i * 16 + j];
                k[j] = key.values()[i * 16 + j];
            }
            double w = GroupSlerp.norm(g);
            double[] r = GroupSlerp.inverse(g, k, 0.9 - w);
            total += GroupSlerp.dot(r, GroupSlerp.normalize(original.group(i))) / 49;
        }
        return total;
    }

    @Test
    void protectionIsDeterministicForASeedAndKey() {
        float[] t = faces.sample(13, 0).toFlat();
        TemplateKey key = protector.newKey(42);
        assertArrayEquals(key.values(), protector.newKey(42).values());
        ProtectedTemplate a = protector.protect(t, key);
        ProtectedTemplate b = new SlerpProtector(SlerpFaceConfig.defaults()).protect(t, key);
        assertArrayEquals(a.values(), b.values());
        assertArrayEquals(a.keep(), b.keep());
        ProtectedTemplate other = new SlerpProtector(SlerpFaceConfig.defaults().withSeed(7)).protect(t, key);
        assertFalse(Arrays.equals(a.keep(), other.keep()));
        assertNotEquals(key.id(), protector.newKey(43).id());
    }

    @Test
    void keysAreUnitPerGroupGaussianDirections() {
        TemplateKey key = protector.newKey(5);
        assertEquals(784, key.values().length);
        for (int i = 0; i < 49; i++) {
            double s = 0;
            for (int j = 0; j < 16; j++) {
                s += key.values()[i * 16 + j] * key.values()[i * 16 + j];
            }
            assertEquals(1.0, s, 1e-5);
        }
    }

    @Test
    void featuresWithoutWeightsUseUniformWeights() {
        double[] features = faces.sample(14, 0).features();
        float[] flat = new float[features.length];
        for (int j = 0; j < flat.length; j++) {
            flat[j] = (float) features[j];
        }
        TemplateKey key = protector.newKey(14);
        assertEquals(1.0, protector.similarity(protector.protect(flat, key), flat, key), 1e-5);
    }

    @Test
    void badInputsNameTheFieldAndTheAcceptedValues() {
        TemplateKey key = protector.newKey(1);
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> protector.protect(new float[10], key));
        assertTrue(length.getMessage().contains("784") && length.getMessage().contains("833"), length.getMessage());
        float[] t = faces.sample(1, 0).toFlat();
        t[784] = 5f;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> protector.protect(t, key)).getMessage()
                .contains("sum to 1"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> protector.protect(faces.sample(1, 0).toFlat(), new TemplateKey("x", new float[3])))
                .getMessage().contains("key"));
        ProtectedTemplate foreign = new ProtectedTemplate("none", new float[784], new boolean[0]);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> protector.similarity(foreign, faces.sample(1, 0).toFlat(), key)).getMessage()
                .contains("scheme"));
    }

    @Test
    void configurationIsValidated() {
        SlerpFaceConfig d = SlerpFaceConfig.defaults();
        assertEquals(12, d.lowWeightDraws());
        assertEquals(4, d.highWeightDraws());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withAlpha(1.5)).getMessage()
                .contains("alpha"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withDropRate(-0.1)).getMessage()
                .contains("dropRate"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withShape(49, 0)).getMessage()
                .contains("groupSize"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withShape(1, 16)).getMessage()
                .contains("groups"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SlerpFaceConfig(0.9, 0.5, 16, 49, 40,
                DropoutMode.WITH_REPLACEMENT, 1e-7, 1)).getMessage().contains("gapBase"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> d.withDropRate(0.9).withDropoutMode(DropoutMode.EXACT_K)).getMessage().contains("EXACT_K"));
        assertThrows(IllegalArgumentException.class, () -> d.withAlpha(Double.NaN));
    }

    @Test
    void providerAdvertisesTheNameAndDefaults() {
        SlerpFaceProvider provider = new SlerpFaceProvider();
        assertEquals("slerpface", provider.name());
        assertEquals(SlerpFaceConfig.defaults(), provider.defaultConfig());
        assertTrue(provider.create(provider.defaultConfig(), null) instanceof SlerpProtector);
    }

    @Test
    void randomKeysFromTheSameSourceDiffer() {
        Random random = new Random(9);
        assertFalse(Arrays.equals(protector.keyFrom(random).values(), protector.keyFrom(random).values()));
    }
}
