/** Continual-learning methods, registered as learners through the SPI. */
module dev.perennial.continual {
    requires dev.perennial.spi;
    requires dev.perennial.models;
    requires com.fasterxml.jackson.annotation;
    requires com.google.gson;
    requires java.desktop;
    requires dev.perennial.llava;

    exports dev.perennial.continual.baseline;
    exports dev.perennial.continual.net;
    exports dev.perennial.continual.ptm;
    exports dev.perennial.continual.prompt;
    exports dev.perennial.continual.safe;
    exports dev.perennial.continual.llaca;
    exports dev.perennial.continual.mcit;
    exports dev.perennial.continual.vqa;
    exports dev.perennial.continual.replay;

    provides dev.perennial.spi.LearnerProvider with
            dev.perennial.continual.baseline.FinetuneProvider,
            dev.perennial.continual.baseline.LwfProvider,
            dev.perennial.continual.baseline.EwcProvider,
            dev.perennial.continual.safe.SafeProvider,
            dev.perennial.continual.ptm.SimpleCilProvider,
            dev.perennial.continual.ptm.AperProvider,
            dev.perennial.continual.ptm.RanPacProvider,
            dev.perennial.continual.ptm.PtmFinetuneProvider,
            dev.perennial.continual.prompt.L2pProvider,
            dev.perennial.continual.prompt.DualPromptProvider,
            dev.perennial.continual.prompt.CodaPromptProvider,
            dev.perennial.continual.llaca.LlacaProvider,
            dev.perennial.continual.llaca.LoraSeqProvider,
            dev.perennial.continual.llaca.EmaFixedProvider,
            dev.perennial.continual.llaca.MultitaskProvider,
            dev.perennial.continual.mcit.OLoraProvider,
            dev.perennial.continual.mcit.MoeLoraProvider,
            dev.perennial.continual.replay.ErProvider,
            dev.perennial.continual.replay.DerProvider,
            dev.perennial.continual.replay.DerppProvider,
            dev.perennial.continual.replay.IcarlProvider,
            dev.perennial.continual.replay.GdumbProvider;

    provides dev.perennial.spi.DatasetSourceProvider with
            dev.perennial.continual.vqa.MiniCoinProvider,
            dev.perennial.continual.vqa.LlavaInstructionJsonProvider;
    provides dev.perennial.spi.ScenarioProvider with dev.perennial.continual.vqa.InstructionScenarioProvider;
    provides dev.perennial.spi.MetricProvider with dev.perennial.continual.vqa.CoinAccuracyProvider;
}
