/** Benchmark programs that print tables and write JSON. */
module dev.perennial.benchmarks {
    requires dev.perennial.api;
    requires dev.perennial.models;
    requires dev.perennial.continual;
    requires dev.perennial.llava;
    requires dev.perennial.distillation;
    requires dev.perennial.slerpface;
    requires dev.perennial.deepfake;
    requires com.fasterxml.jackson.databind;
    requires java.management;

    exports dev.perennial.benchmarks.augmentation;
    exports dev.perennial.benchmarks.distillation;
    exports dev.perennial.benchmarks.deepfake;

    provides dev.perennial.spi.DatasetSourceProvider with
            dev.perennial.benchmarks.augmentation.SpuriousBackgroundsProvider,
            dev.perennial.benchmarks.perf.StepDataProvider,
            dev.perennial.benchmarks.safe.DecodedImageSetProvider,
            dev.perennial.benchmarks.deepfake.SyntheticForgeryProtocolProvider;
    provides dev.perennial.spi.MetricProvider with
            dev.perennial.benchmarks.augmentation.WorstGroupAccuracyProvider,
            dev.perennial.benchmarks.vqa.TaskAccuracyProvider.Choice,
            dev.perennial.benchmarks.vqa.TaskAccuracyProvider.Reading,
            dev.perennial.benchmarks.vqa.TaskAccuracyProvider.Classification,
            dev.perennial.benchmarks.vqa.TaskAccuracyProvider.Spatial,
            dev.perennial.benchmarks.vqa.TaskAccuracyProvider.Color,
            dev.perennial.benchmarks.vqa.TaskAccuracyProvider.Grounding,
            dev.perennial.benchmarks.vqa.TaskAccuracyProvider.Counting;
    provides dev.perennial.spi.AugmenterProvider with
            dev.perennial.benchmarks.perf.StepPartner;
    provides dev.perennial.spi.LearnerProvider with
            dev.perennial.benchmarks.distillation.StudentLearnerProvider,
            dev.perennial.benchmarks.perf.StepLearnerProvider,
            dev.perennial.benchmarks.perf.DataPathProbe;
    requires com.google.gson;

    exports dev.perennial.benchmarks;
    exports dev.perennial.benchmarks.memory;
    exports dev.perennial.benchmarks.gpu;
    exports dev.perennial.benchmarks.id3;
    exports dev.perennial.benchmarks.interop;
    exports dev.perennial.benchmarks.perf;
    exports dev.perennial.benchmarks.resume;
    exports dev.perennial.benchmarks.safe;
    exports dev.perennial.benchmarks.slerpface;
    exports dev.perennial.benchmarks.vqa;
}
