package dev.perennial.slerpface.security;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Metric;
import dev.perennial.spi.MetricProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/**
 * The {@code slerpface-*} metric plugins, one per number of {@link ProtectorEvaluation}'s row
 * ({@link ProtectionMetric.Score}); they share {@link ProtectionMetricConfig}. A run lists the ones it reports, all
 * with the same configuration (the evaluation is computed once).
 */
public final class ProtectionMetricProviders {
    private ProtectionMetricProviders() {}

    /** The shared provider code. */
    abstract static class Base extends AbstractPluginProvider<ProtectionMetricConfig, Metric>
            implements MetricProvider<ProtectionMetricConfig> {
        private final ProtectionMetric.Score score;

        Base(ProtectionMetric.Score score, String what) {
            super(SpiVersion.CURRENT, "1.0.0", ProtectionMetricConfig.class, ProtectionMetricConfig::defaults,
                    "SlerpFace protection evaluation of the predicted templates: " + what + ".");
            this.score = score;
        }

        @Override
        public Metric create(ProtectionMetricConfig config, PluginContext context) {
            return new ProtectionMetric(config, score, context.seed());
        }
    }

    /** {@code slerpface-accuracy}: 10-fold verification accuracy. */
    @PluginName("slerpface-accuracy")
    public static final class Accuracy extends Base {
        /** Creates the provider. */
        public Accuracy() {
            super(ProtectionMetric.Score.ACCURACY, "10-fold verification accuracy");
        }
    }

    /** {@code slerpface-tar}: TAR at the configured FAR. */
    @PluginName("slerpface-tar")
    public static final class Tar extends Base {
        /** Creates the provider. */
        public Tar() {
            super(ProtectionMetric.Score.TAR, "TAR at the configured FAR");
        }
    }

    /** {@code slerpface-dsys}: unlinkability D↔sys (lower is better). */
    @PluginName("slerpface-dsys")
    public static final class DSys extends Base {
        /** Creates the provider. */
        public DSys() {
            super(ProtectionMetric.Score.D_SYS, "unlinkability D<->sys (lower is better)");
        }
    }

    /** {@code slerpface-key-known-attack}: share of victims whose key-known inverse is accepted (lower is better). */
    @PluginName("slerpface-key-known-attack")
    public static final class KeyKnownAttack extends Base {
        /** Creates the provider. */
        public KeyKnownAttack() {
            super(ProtectionMetric.Score.KEY_KNOWN, "share of victims whose key-known inverse is accepted (lower is better)");
        }
    }

    /** {@code slerpface-ridge-attack}: share of victims whose ridge-attack reconstruction is accepted (lower is better). */
    @PluginName("slerpface-ridge-attack")
    public static final class RidgeAttack extends Base {
        /** Creates the provider. */
        public RidgeAttack() {
            super(ProtectionMetric.Score.RIDGE, "share of victims whose ridge-attack reconstruction is accepted (lower is better)");
        }
    }

    /** {@code slerpface-revoked-accept}: share of leaked templates accepted after revocation (lower is better). */
    @PluginName("slerpface-revoked-accept")
    public static final class RevokedAccept extends Base {
        /** Creates the provider. */
        public RevokedAccept() {
            super(ProtectionMetric.Score.REVOKED, "share of leaked templates accepted after revocation (lower is better)");
        }
    }

    /** {@code slerpface-reenrolled-tar}: TAR after re-enrolment under a new key. */
    @PluginName("slerpface-reenrolled-tar")
    public static final class ReenrolledTar extends Base {
        /** Creates the provider. */
        public ReenrolledTar() {
            super(ProtectionMetric.Score.REENROLLED_TAR, "TAR after re-enrolment under a new key");
        }
    }

    /** {@code slerpface-key-known-raw}: attack (1) judged by the unprotected recogniser (lower is better). */
    @PluginName("slerpface-key-known-raw")
    public static final class KeyKnownRaw extends Base {
        /** Creates the provider. */
        public KeyKnownRaw() {
            super(ProtectionMetric.Score.KEY_KNOWN_RAW, "share of victims whose key-known inverse the unprotected"
                    + " recogniser matches to the identity (lower is better)");
        }
    }

    /** {@code slerpface-ridge-raw}: attack (2) judged by the unprotected recogniser (lower is better). */
    @PluginName("slerpface-ridge-raw")
    public static final class RidgeRaw extends Base {
        /** Creates the provider. */
        public RidgeRaw() {
            super(ProtectionMetric.Score.RIDGE_RAW, "share of victims whose ridge-attack reconstruction the"
                    + " unprotected recogniser matches to the identity (lower is better)");
        }
    }
}
