package dev.perennial.spi;

/** The kinds of plugin the shared loop knows, each with its provider interface. */
public enum PluginKind {
    /** Owns the model and the method: per-task setup, loss of a batch, hooks, prediction, state. */
    LEARNER("learner", LearnerProvider.class),
    /** Transforms a batch online before the forward pass. */
    AUGMENTER("augmenter", AugmenterProvider.class),
    /** Adds trainable modules and named loss terms that transfer knowledge from a frozen teacher. */
    DISTILLER("distiller", DistillerProvider.class),
    /** Turns a feature template into a protected one and matches protected templates. */
    PROTECTOR("protector", ProtectorProvider.class),
    /** Chooses the order in which a task's samples are visited. */
    SAMPLER("sampler", SamplerProvider.class),
    /** Reads a dataset. */
    DATASET_SOURCE("dataset", DatasetSourceProvider.class),
    /** Cuts a dataset into a sequence of tasks. */
    SCENARIO("scenario", ScenarioProvider.class),
    /** Scores predictions on one task's evaluation data. */
    METRIC("metric", MetricProvider.class);

    private final String label;
    private final Class<?> providerType;

    PluginKind(String label, Class<?> providerType) {
        this.label = label;
        this.providerType = providerType;
    }

    /**
     * The word used in configuration files and messages, e.g. {@code learner}.
     *
     * @return the label
     */
    public String label() {
        return label;
    }

    /**
     * The provider interface a plugin of this kind implements and registers with ServiceLoader.
     *
     * @return the provider interface
     */
    public Class<?> providerType() {
        return providerType;
    }
}
