/** Benchmark programs that print tables and write JSON. */
module dev.perennial.benchmarks {
    requires dev.perennial.api;
    requires dev.perennial.models;

    // exports dev.perennial.benchmarks;  (enabled when the package has classes)
}
