/** Online batch augmenters, registered through the SPI. */
module dev.perennial.augmentation {
    requires dev.perennial.spi;

    exports dev.perennial.augmentation;
    exports dev.perennial.augmentation.deda;
    exports dev.perennial.augmentation.freda;
    exports dev.perennial.augmentation.mixing;
    exports dev.perennial.augmentation.randaugment;

    uses dev.perennial.augmentation.deda.MaskProvider;
    uses dev.perennial.augmentation.deda.ObjectEditor;

    provides dev.perennial.spi.AugmenterProvider with
            dev.perennial.augmentation.deda.DecoupledAugmenterProvider,
            dev.perennial.augmentation.freda.FredaProvider,
            dev.perennial.augmentation.mixing.MixupProvider,
            dev.perennial.augmentation.mixing.CutmixProvider,
            dev.perennial.augmentation.randaugment.RandAugmentProvider;
}
