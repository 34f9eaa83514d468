/**
 * What applications call: {@code Perennial.builder()}, the shared training loop, the plugin registry with
 * plugin directories, configuration binding, metrics, checkpoints and run events.
 */
module dev.perennial.api {
    requires transitive dev.perennial.spi;
    requires transitive ai.djl.api;
    requires com.google.guice;
    requires jakarta.inject;
    // PluginRegistry and ConfigBinder take Jackson trees (JsonNode) in their public signatures.
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.slf4j;
    requires java.logging;

    // exports dev.perennial.api;  (enabled when the package has classes)
    exports dev.perennial.api.registry;
    // exports dev.perennial.api.loop;  (enabled when the package has classes)
    // exports dev.perennial.api.data;  (enabled when the package has classes)
    // exports dev.perennial.api.metrics;  (enabled when the package has classes)
    // exports dev.perennial.api.checkpoint;  (enabled when the package has classes)
    exports dev.perennial.api.config;
    // exports dev.perennial.api.events;  (enabled when the package has classes)

    // opens dev.perennial.api.internal to com.google.guice;  (enabled when the package has classes)
    opens dev.perennial.api.config to com.fasterxml.jackson.databind;
    // opens dev.perennial.api.checkpoint to com.fasterxml.jackson.databind;  (enabled when the package has classes)
    // opens dev.perennial.api.metrics to com.fasterxml.jackson.databind;  (enabled when the package has classes)
    // opens dev.perennial.api to com.fasterxml.jackson.databind;  (enabled when the package has classes)

    uses dev.perennial.spi.LearnerProvider;
    uses dev.perennial.spi.AugmenterProvider;
    uses dev.perennial.spi.DistillerProvider;
    uses dev.perennial.spi.ProtectorProvider;
    uses dev.perennial.spi.SamplerProvider;
    uses dev.perennial.spi.DatasetSourceProvider;
    uses dev.perennial.spi.ScenarioProvider;
    uses dev.perennial.spi.MetricProvider;
}
