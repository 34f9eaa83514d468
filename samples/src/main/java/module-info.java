/** The {@code perennial} command and the sample experiments. */
module dev.perennial.samples {
    requires dev.perennial.api;
    // GcStress for the GC-independence tests; the CLI itself only needs the API.
    requires dev.perennial.models;
    // The exporter (dev.perennial.samples.export) reads the LLaVA learners' LoRA setup.
    requires dev.perennial.continual;
    requires dev.perennial.llava;
    requires info.picocli;
    // The sweep file (dev.perennial.samples.sweep) is YAML.
    requires com.fasterxml.jackson.dataformat.yaml;
    // sweep-report.html's t intervals, paired t-test and Wilcoxon signed-rank test.
    requires commons.math3;
    // Logging sets libtorch's C++ log level through JNA (DJL's own dependency).
    requires com.sun.jna;

    exports dev.perennial.samples;
    exports dev.perennial.samples.export;
    // picocli reads the command classes' annotations and sets their fields by reflection.
    opens dev.perennial.samples to info.picocli;
}
