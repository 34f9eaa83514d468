/**
 * Deepfake-detection plugins built against the SPI and the shared model blocks (specs/deepfake.md):
 * the {@code quality-curriculum} sampler with its {@code quality-freda} companion augmenter, the
 * {@code video-blend} and {@code clip-consistent} augmenters, the spatiotemporal adapter (StA) blocks,
 * the {@code synthetic-swaps} data set (face swaps with their source and target faces), the
 * {@code deepfake-detector} learner and the {@code diffusionfake} distiller, the {@code df40-protocol} data set
 * with DF40-style protocol definitions, and the detection metrics (AUC, both EERs, AP, accuracies at 0.5).
 * {@code java.desktop} is required for ImageIO (frame decoding).
 *
 * <p>The configuration records are public and their packages exported, so Jackson binds them.
 */
module dev.perennial.deepfake {
    requires transitive dev.perennial.spi;
    requires transitive dev.perennial.models;
    requires transitive dev.perennial.augmentation;
    requires java.desktop;

    exports dev.perennial.deepfake.eval;
    exports dev.perennial.deepfake.curriculum;
    exports dev.perennial.deepfake.video;
    exports dev.perennial.deepfake.sta;
    exports dev.perennial.deepfake.protocol;
    exports dev.perennial.deepfake.synthetic;
    exports dev.perennial.deepfake.diffusionfake;
    exports dev.perennial.deepfake.detector;

    provides dev.perennial.spi.SamplerProvider with dev.perennial.deepfake.curriculum.QualityCurriculumProvider;
    provides dev.perennial.spi.AugmenterProvider with
            dev.perennial.deepfake.curriculum.QualityFredaProvider,
            dev.perennial.deepfake.video.VideoBlendProvider,
            dev.perennial.deepfake.video.ClipConsistentProvider;
    provides dev.perennial.spi.DatasetSourceProvider with
            dev.perennial.deepfake.protocol.Df40SourceProvider,
            dev.perennial.deepfake.synthetic.SyntheticSwapsProvider;
    provides dev.perennial.spi.LearnerProvider with dev.perennial.deepfake.detector.DeepfakeDetectorProvider;
    provides dev.perennial.spi.DistillerProvider with dev.perennial.deepfake.diffusionfake.DiffusionFakeProvider;
    provides dev.perennial.spi.MetricProvider with
            dev.perennial.deepfake.eval.FrameAucProvider,
            dev.perennial.deepfake.eval.VideoAucProvider,
            dev.perennial.deepfake.eval.EerProvider,
            dev.perennial.deepfake.eval.RocCrossingEerProvider,
            dev.perennial.deepfake.eval.AveragePrecisionProvider,
            dev.perennial.deepfake.eval.AccuracyAtHalfProvider,
            dev.perennial.deepfake.eval.RealAccuracyProvider,
            dev.perennial.deepfake.eval.FakeAccuracyProvider;
}
