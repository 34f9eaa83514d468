/**
 * What applications call: {@code Perennial.builder()}, the shared training loop, the plugin registry with
 * plugin directories, configuration binding, metrics, checkpoints and run events.
 */
module dev.perennial.api {
    requires transitive dev.perennial.spi;
    requires dev.perennial.models;
    requires transitive ai.djl.api;
    requires com.google.guice;
    requires jakarta.inject;
    // PluginRegistry and ConfigBinder take Jackson trees (JsonNode) in their public signatures.
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    // SnakeYAML's LoaderOptions bound the code points a YAML file may have (ExperimentFiles).
    requires org.yaml.snakeyaml;
    // metrics-steps.csv and metrics-evaluation.csv beside metrics.jsonl.
    requires org.apache.commons.csv;
    requires org.slf4j;
    requires java.logging;
    // javax.imageio decodes the image-folder data set's JPEG and PNG files.
    requires java.desktop;

    exports dev.perennial.api;
    exports dev.perennial.api.registry;
    exports dev.perennial.api.loop;
    exports dev.perennial.api.data;
    exports dev.perennial.api.metrics;
    exports dev.perennial.api.checkpoint;
    exports dev.perennial.api.config;
    exports dev.perennial.api.events;
    exports dev.perennial.api.report;
    exports dev.perennial.api.engine;

    opens dev.perennial.api.internal to com.google.guice;
    opens dev.perennial.api.config to com.fasterxml.jackson.databind;
    opens dev.perennial.api.checkpoint to com.fasterxml.jackson.databind;
    opens dev.perennial.api.metrics to com.fasterxml.jackson.databind;
    // Data set and scenario config records are bound by Jackson.
    opens dev.perennial.api.data to com.fasterxml.jackson.databind;
    opens dev.perennial.api to com.fasterxml.jackson.databind;

    uses dev.perennial.spi.LearnerProvider;
    uses dev.perennial.spi.AugmenterProvider;
    uses dev.perennial.spi.DistillerProvider;
    uses dev.perennial.spi.ProtectorProvider;
    uses dev.perennial.spi.SamplerProvider;
    uses dev.perennial.spi.DatasetSourceProvider;
    uses dev.perennial.spi.ScenarioProvider;
    uses dev.perennial.spi.MetricProvider;

    provides dev.perennial.spi.DatasetSourceProvider with dev.perennial.api.data.ImageFolderProvider,
            dev.perennial.api.data.IdxProvider, dev.perennial.api.data.GeneratedShapesProvider;
    provides dev.perennial.spi.ScenarioProvider with dev.perennial.api.data.ClassIncrementalProvider,
            dev.perennial.api.data.TaskIncrementalProvider, dev.perennial.api.data.DomainIncrementalProvider,
            dev.perennial.api.data.OnlineClassIncrementalProvider;
    provides dev.perennial.spi.MetricProvider with dev.perennial.api.metrics.AccuracyMetricProvider,
            dev.perennial.api.metrics.Top5AccuracyMetricProvider, dev.perennial.api.metrics.TaskAccuracyMetricProvider;
}
