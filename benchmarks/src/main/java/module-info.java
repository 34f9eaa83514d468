/** Benchmark programs that print tables and write JSON. */
module dev.perennial.benchmarks {
    requires dev.perennial.api;
    requires dev.perennial.models;
    requires com.google.gson;

    exports dev.perennial.benchmarks;
}
