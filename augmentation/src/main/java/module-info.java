/**
 * Online batch augmenters, registered through the SPI: {@code de-da} (decoupled foreground / background
 * augmentation), {@code freda} (frequency-domain real/fake mixing), and the baselines {@code mixup},
 * {@code cutmix} and {@code randaugment}. De-DA's mask providers and object editors are plugin points of their
 * own ({@code uses} below).
 */
module dev.perennial.augmentation {
    requires transitive dev.perennial.spi;
    requires dev.perennial.models;

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
