/** Cross-architecture knowledge distillation, registered as distillers through the SPI. */
module dev.perennial.distillation {
    requires dev.perennial.spi;
    requires dev.perennial.models;
    requires com.fasterxml.jackson.annotation;
}
