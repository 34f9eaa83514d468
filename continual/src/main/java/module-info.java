/** Continual-learning methods, registered as learners through the SPI. */
module dev.perennial.continual {
    requires dev.perennial.spi;
    requires dev.perennial.models;

    // exports dev.perennial.continual;  (enabled when the package has classes)
    // exports dev.perennial.continual.baseline;  (enabled when the package has classes)
}
