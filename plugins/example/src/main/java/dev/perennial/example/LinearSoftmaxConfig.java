package dev.perennial.example;

import dev.perennial.spi.ConfigDoc;

/**
 * What an experiment may set for {@code example-linear}, e.g. in YAML:
 * <pre>{@code
 * learner: {name: example-linear, config: {initStd: 0.05}}
 * }</pre>
 * Fields left out take the values of {@link #defaults()}. Validation lives in the compact constructor: its
 * message reaches the user prefixed with the file and section, so it names the field and the accepted range.
 *
 * @param classes the number of output classes; 0 takes the scenario's class count
 * @param inputSize the number of input values per example (channels × height × width); 0 takes the
 *                  scenario's {@code image} shape
 * @param initStd the standard deviation of the Gaussian the weights are drawn from (biases start at 0)
 */
public record LinearSoftmaxConfig(
        @ConfigDoc("Number of classes; 0 = the scenario's class count. Range: >= 0.") int classes,
        @ConfigDoc("Input values per example (C*H*W); 0 = from the scenario's image shape. Range: >= 0.")
        long inputSize,
        @ConfigDoc("Standard deviation of the initial weights (seeded Gaussian). Range: >= 0, finite.")
        double initStd) {

    /** Validates each field; the messages name the field and the accepted range. */
    public LinearSoftmaxConfig {
        if (classes < 0) {
            throw new IllegalArgumentException("classes must be >= 0 (0 = from the scenario), was " + classes);
        }
        if (inputSize < 0) {
            throw new IllegalArgumentException("inputSize must be >= 0 (0 = from the scenario), was " + inputSize);
        }
        if (!(initStd >= 0) || Double.isInfinite(initStd)) {
            throw new IllegalArgumentException("initStd must be a finite number >= 0, was " + initStd);
        }
    }

    /**
     * The defaults: sizes from the scenario, weights with standard deviation 0.01.
     *
     * @return the default configuration
     */
    public static LinearSoftmaxConfig defaults() {
        return new LinearSoftmaxConfig(0, 0, 0.01);
    }
}
