/** The {@code perennial} command and the sample experiments. */
module dev.perennial.samples {
    requires dev.perennial.api;

    exports dev.perennial.samples;
}
