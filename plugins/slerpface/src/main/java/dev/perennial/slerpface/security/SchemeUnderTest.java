package dev.perennial.slerpface.security;

import dev.perennial.slerpface.GroupSlerp;
import dev.perennial.slerpface.GroupedTemplate;
import dev.perennial.slerpface.SlerpFaceConfig;
import dev.perennial.slerpface.SlerpProtector;
import dev.perennial.slerpface.baseline.NoProtection;
import dev.perennial.slerpface.baseline.RandomProjection;
import dev.perennial.slerpface.baseline.RandomProjectionConfig;
import dev.perennial.spi.Protector;
import dev.perennial.spi.Protector.ProtectedTemplate;
import dev.perennial.spi.Protector.TemplateKey;
import java.util.Arrays;

/**
 * A protector as the security evaluation sees it: what it is fed, and what an attacker does with a leaked
 * protected template (with or without the key).
 */
public interface SchemeUnderTest {

    /**
     * The name printed in the table.
     *
     * @return the name
     */
    String name();

    /**
     * The protector.
     *
     * @return the protector
     */
    Protector protector();

    /**
     * What the protector is fed for a template (e.g. SlerpFace needs the weights, the baselines only the features).
     *
     * @param template the grouped template
     * @return the flat input
     */
    float[] input(GroupedTemplate template);

    /**
     * The key-compromise attacker: reconstructs a template from a leaked protected template and its stolen key.
     *
     * @param stored the leaked protected template
     * @param key the stolen key
     * @param groupSize d of the raw templates
     * @return the reconstruction: {@code m·d} features comparable (by cosine) with raw features, and the group
     *     weights the attacker can infer (uniform where it cannot)
     */
    GroupedTemplate keyKnownInverse(ProtectedTemplate stored, TemplateKey key, int groupSize);

    /**
     * Features with uniform group weights {@code 1/m}: a reconstruction whose attention map is unknown.
     *
     * @param features {@code m·d} features
     * @param groupSize d
     * @return the template
     */
    static GroupedTemplate uniformlyWeighted(double[] features, int groupSize) {
        double[] weights = new double[features.length / groupSize];
        Arrays.fill(weights, 1.0 / weights.length);
        return new GroupedTemplate(features, weights, groupSize);
    }

    /**
     * How a linking attacker compares two stored protected templates: the cosine of their values.
     *
     * @param a one stored template
     * @param b another
     * @return the link score
     */
    default double linkScore(ProtectedTemplate a, ProtectedTemplate b) {
        return RandomProjection.cosine(a.values(), b.values());
    }

    /**
     * The raw features of a template as floats.
     *
     * @param template the template
     * @return its {@code m·d} features
     */
    static float[] features(GroupedTemplate template) {
        double[] f = template.features();
        float[] out = new float[f.length];
        for (int j = 0; j < f.length; j++) {
            out[j] = (float) f[j];
        }
        return out;
    }

    /**
     * No protection: the leaked template is the raw template.
     *
     * @return the scheme
     */
    static SchemeUnderTest none() {
        NoProtection protector = new NoProtection();
        return new SchemeUnderTest() {
            @Override
            public String name() {
                return "none";
            }

            @Override
            public Protector protector() {
                return protector;
            }

            @Override
            public float[] input(GroupedTemplate template) {
                return features(template);
            }

            @Override
            public GroupedTemplate keyKnownInverse(ProtectedTemplate stored, TemplateKey key, int groupSize) {
                double[] out = new double[stored.values().length];
                for (int j = 0; j < out.length; j++) {
                    out[j] = stored.values()[j];
                }
                return uniformlyWeighted(out, groupSize);
            }
        };
    }

    /**
     * BioHashing-style random projection; with the key the attacker back-projects, {@code Rᵀ·b}.
     *
     * @param config the projection's configuration
     * @return the scheme
     */
    static SchemeUnderTest randomProjection(RandomProjectionConfig config) {
        RandomProjection protector = new RandomProjection(config);
        return new SchemeUnderTest() {
            @Override
            public String name() {
                return "random-projection" + (config.binarize() ? " (BioHash, " : " (real, ")
                        + config.outputLength() + ")";
            }

            @Override
            public Protector protector() {
                return protector;
            }

            @Override
            public float[] input(GroupedTemplate template) {
                return features(template);
            }

            @Override
            public GroupedTemplate keyKnownInverse(ProtectedTemplate stored, TemplateKey key, int groupSize) {
                int rows = config.outputLength();
                int cols = config.inputLength();
                double[] out = new double[cols];
                for (int i = 0; i < rows; i++) {
                    double b = stored.values()[i];
                    for (int j = 0; j < cols; j++) {
                        out[j] += key.values()[i * cols + j] * b;
                    }
                }
                return uniformlyWeighted(out, groupSize);
            }
        };
    }

    /**
     * SlerpFace; with the key the attacker reads {@code w_i = ‖g_i‖} (spec F9) and inverts each group's slerp
     * with {@code α − w_i} (spec §1.9, irreversibility), ignoring the dropped dimensions it cannot restore.
     *
     * @param config the protector's configuration
     * @return the scheme
     */
    static SchemeUnderTest slerpFace(SlerpFaceConfig config) {
        SlerpProtector protector = new SlerpProtector(config);
        return new SchemeUnderTest() {
            @Override
            public String name() {
                return "slerpface (alpha " + config.alpha() + ", r " + config.dropRate() + ", "
                        + config.dropoutMode() + ")";
            }

            @Override
            public Protector protector() {
                return protector;
            }

            @Override
            public float[] input(GroupedTemplate template) {
                return template.toFlat();
            }

            @Override
            public GroupedTemplate keyKnownInverse(ProtectedTemplate stored, TemplateKey key, int groupSize) {
                int d = config.groupSize();
                double[] out = new double[config.featureLength()];
                double[] weights = new double[config.groups()];
                double weightSum = 0;
                for (int i = 0; i < config.groups(); i++) {
                    double[] g = new double[d];
                    double[] k = new double[d];
                    for (int j = 0; j < d; j++) {
                        g[j] = stored.values()[i * d + j];
                        k[j] = key.values()[i * d + j];
                    }
                    weights[i] = GroupSlerp.norm(g);
                    weightSum += weights[i];
                    double[] t = GroupSlerp.inverse(g, k, config.alpha() - weights[i]);
                    System.arraycopy(t, 0, out, i * d, d);
                }
                for (int i = 0; i < weights.length; i++) {
                    weights[i] /= weightSum;   // ‖g_i‖ = w_i up to float rounding
                }
                return new GroupedTemplate(out, weights, d);
            }
        };
    }
}
