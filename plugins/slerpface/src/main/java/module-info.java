/**
 * SlerpFace: face-template protection by group-wise spherical linear interpolation toward a per-user key, with
 * its template vault, the baselines, the grouping learner and the security evaluation. Built against the SPI
 * and {@code dev.perennial.models} only, like any third-party plugin.
 */
module dev.perennial.slerpface {
    requires dev.perennial.spi;
    requires dev.perennial.models;

    exports dev.perennial.slerpface;
    exports dev.perennial.slerpface.vault;
    exports dev.perennial.slerpface.baseline;
    exports dev.perennial.slerpface.security;
    exports dev.perennial.slerpface.learn;
    exports dev.perennial.slerpface.faces;
    exports dev.perennial.slerpface.id3;

    provides dev.perennial.spi.ProtectorProvider with dev.perennial.slerpface.SlerpFaceProvider,
            dev.perennial.slerpface.baseline.NoProtectionProvider,
            dev.perennial.slerpface.baseline.RandomProjectionProvider;
    provides dev.perennial.spi.LearnerProvider with dev.perennial.slerpface.learn.SlerpFaceLearnerProvider,
            dev.perennial.slerpface.id3.Id3LearnerProvider;
    provides dev.perennial.spi.DatasetSourceProvider with dev.perennial.slerpface.faces.GeneratedFacesProvider,
            dev.perennial.slerpface.id3.AttributedFacesProvider, dev.perennial.slerpface.id3.Id3SyntheticProvider;
    provides dev.perennial.spi.MetricProvider with
            dev.perennial.slerpface.security.ProtectionMetricProviders.Accuracy,
            dev.perennial.slerpface.security.ProtectionMetricProviders.Tar,
            dev.perennial.slerpface.security.ProtectionMetricProviders.DSys,
            dev.perennial.slerpface.security.ProtectionMetricProviders.KeyKnownAttack,
            dev.perennial.slerpface.security.ProtectionMetricProviders.RidgeAttack,
            dev.perennial.slerpface.security.ProtectionMetricProviders.RevokedAccept,
            dev.perennial.slerpface.security.ProtectionMetricProviders.ReenrolledTar,
            dev.perennial.slerpface.security.ProtectionMetricProviders.KeyKnownRaw,
            dev.perennial.slerpface.security.ProtectionMetricProviders.RidgeRaw;
}
