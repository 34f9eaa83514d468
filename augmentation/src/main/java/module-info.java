/** Online batch augmenters, registered through the SPI. */
module dev.perennial.augmentation {
    requires dev.perennial.spi;

    // exports dev.perennial.augmentation;  (enabled when the package has classes)
}
