package dev.perennial.slerpface.security;

import dev.perennial.spi.ConfigDoc;
import java.util.List;

/**
 * The configuration shared by the {@code slerpface-*} protection metrics: which scheme protects the templates the
 * learner predicts, and the protocol of {@link ProtectorEvaluation}.
 *
 * @param scheme none, random-projection (BioHashing), slerpface, slerpface-no-dropout
 * @param attackerIdentities the first identities of the evaluation data, the attacker's (the rest are the test
 *     identities whose templates are enrolled and attacked)
 * @param groupSize d, the recogniser's channels per group (the template is m·d features then m weights)
 * @param far the false-accept rate of the TAR threshold
 * @param ridgeLambda λ of the ridge inversion attack
 * @param bits random-projection's output bits; 0 for m·d/2
 */
public record ProtectionMetricConfig(
        @ConfigDoc("Protection scheme: none, random-projection (BioHashing), slerpface (alpha 0.9, drop rate 0.5, the"
                + " official defaults) or slerpface-no-dropout. Default slerpface.") String scheme,
        @ConfigDoc("How many of the evaluation identities (in label order) are the attacker's; the others are the test"
                + " identities. Range: >= 1, at least 2 test identities must remain. Default 150.")
        int attackerIdentities,
        @ConfigDoc("d, channels per group of the recogniser (slerpface-grouping's groupSize). Default 16.")
        int groupSize,
        @ConfigDoc("False-accept rate of the TAR threshold, in (0, 1). Default 0.001.") double far,
        @ConfigDoc("Ridge λ of the learned inversion attack, > 0. Default 1.") double ridgeLambda,
        @ConfigDoc("random-projection's output bits; 0 (default) for m*d/2.") int bits) {

    /** The accepted schemes. */
    public static final List<String> SCHEMES = List.of("none", "random-projection", "slerpface",
            "slerpface-no-dropout");

    /** Validates; messages name the field and what is accepted. */
    public ProtectionMetricConfig {
        scheme = scheme == null ? "slerpface" : scheme;
        if (!SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("slerpface metrics: 'scheme' must be one of " + SCHEMES + ", was '"
                    + scheme + "'");
        }
        if (attackerIdentities < 1) {
            throw new IllegalArgumentException("slerpface metrics: 'attackerIdentities' must be >= 1, was "
                    + attackerIdentities);
        }
        if (groupSize < 1) {
            throw new IllegalArgumentException("slerpface metrics: 'groupSize' must be >= 1, was " + groupSize);
        }
        if (!(far > 0 && far < 1)) {
            throw new IllegalArgumentException("slerpface metrics: 'far' must be in (0, 1), was " + far);
        }
        if (!(ridgeLambda > 0) || Double.isInfinite(ridgeLambda)) {
            throw new IllegalArgumentException("slerpface metrics: 'ridgeLambda' must be a finite number > 0, was "
                    + ridgeLambda);
        }
        if (bits < 0) {
            throw new IllegalArgumentException("slerpface metrics: 'bits' must be >= 0, was " + bits);
        }
    }

    /** @return the program's defaults (SlerpFaceBenchmark) */
    public static ProtectionMetricConfig defaults() {
        return new ProtectionMetricConfig("slerpface", 150, 16, 1e-3, 1.0, 0);
    }
}
