/** Benchmark programs that print tables and write JSON. */
module dev.perennial.benchmarks {
    requires dev.perennial.api;
    requires dev.perennial.models;
    requires com.fasterxml.jackson.databind;
    requires java.management;

    exports dev.perennial.benchmarks.augmentation;

    provides dev.perennial.spi.DatasetSourceProvider with
            dev.perennial.benchmarks.augmentation.SpuriousBackgroundsProvider;
    provides dev.perennial.spi.MetricProvider with
            dev.perennial.benchmarks.augmentation.WorstGroupAccuracyProvider;
    requires com.google.gson;

    exports dev.perennial.benchmarks;
    exports dev.perennial.benchmarks.memory;
    exports dev.perennial.benchmarks.gpu;
}
