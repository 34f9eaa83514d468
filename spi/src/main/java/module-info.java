/**
 * The Perennial service-provider interface: what a plugin jar implements and sees.
 *
 * <p>A plugin compiles against this module (and {@code dev.perennial.models} if it wants the shared blocks)
 * and nothing else. It registers its providers with {@code provides dev.perennial.spi.LearnerProvider with ...}
 * (or the matching {@code META-INF/services} file on the class path).
 */
module dev.perennial.spi {
    requires transitive ai.djl.api;

    exports dev.perennial.spi;
    exports dev.perennial.spi.replay;

    uses dev.perennial.spi.LearnerProvider;
    uses dev.perennial.spi.AugmenterProvider;
    uses dev.perennial.spi.DistillerProvider;
    uses dev.perennial.spi.ProtectorProvider;
    uses dev.perennial.spi.SamplerProvider;
    uses dev.perennial.spi.DatasetSourceProvider;
    uses dev.perennial.spi.ScenarioProvider;
    uses dev.perennial.spi.MetricProvider;
}
