/** The smallest complete Perennial plugin, built against the SPI only. */
module dev.perennial.example {
    requires dev.perennial.spi;

    // exports dev.perennial.example;  (enabled when the package has classes)
}
