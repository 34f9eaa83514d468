/** The {@code perennial} command and the sample experiments. */
module dev.perennial.samples {
    requires dev.perennial.api;
    // GcStress for the GC-independence tests; the CLI itself only needs the API.
    requires dev.perennial.models;

    exports dev.perennial.samples;
}
