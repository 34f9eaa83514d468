/**
 * The smallest complete Perennial plugin, built against the SPI and {@code dev.perennial.models} (for
 * {@code models.nn.Owned}) only: the template for plugin authors.
 *
 * <p>What a plugin module declares:
 * <ul>
 *   <li>{@code requires dev.perennial.spi} (which brings {@code ai.djl.api} along) and, for arrays that own
 *       their memory ({@code models.nn.Owned}), {@code requires dev.perennial.models}; nothing from
 *       {@code dev.perennial.api}: a plugin directory refuses modules that require anything but the SPI,
 *       {@code dev.perennial.models}, {@code ai.djl.api} and {@code java.*};</li>
 *   <li>{@code provides} for each provider (and the same class in
 *       {@code META-INF/services/dev.perennial.spi.LearnerProvider}, so the jar also works on the class path);</li>
 *   <li>access for Jackson to the configuration record: the package is exported here (the record is public);
 *       a plugin that keeps the record's package private writes
 *       {@code opens that.pkg to com.fasterxml.jackson.databind;} instead.</li>
 * </ul>
 */
module dev.perennial.example {
    requires dev.perennial.spi;
    requires dev.perennial.models;

    exports dev.perennial.example;

    provides dev.perennial.spi.LearnerProvider with dev.perennial.example.LinearSoftmaxProvider;
}
