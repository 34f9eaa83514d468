package dev.perennial.deepfake.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A declarative evaluation protocol (specs/deepfake.md §C.2, checklist C.5.1): what to train on, which groups to
 * test on, and how to select the model.
 *
 * @param name e.g. {@code P1-FS}
 * @param train the fakes to train on (with the reals of their domains)
 * @param testGroups named test groups, e.g. {@code FSAll_ff}
 * @param validationFraction the fraction of training videos held out for model selection, in (0, 1)
 * @param seed the seed of the held-out split
 * @param selection how the model is selected
 */
public record ProtocolSpec(String name, ForgerySelector train, Map<String, ForgerySelector> testGroups,
                           double validationFraction, long seed, ModelSelection selection) {

    /** Validates and copies. */
    public ProtocolSpec {
        testGroups = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(testGroups));
        if (testGroups.isEmpty()) {
            throw new IllegalArgumentException("protocol " + name + " has no test groups");
        }
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("protocol " + name + ": validationFraction must be in (0, 1); was "
                    + validationFraction);
        }
    }

    /** How the checkpoint used for testing is chosen (pitfall C.7.1). */
    public enum ModelSelection {
        /** On a held-out part of the training videos, never on test data (the SDK default). */
        HELD_OUT_VALIDATION,
        /**
         * DF40's README for P1: the test groups that match the training selector, in the test split, serve as the
         * validation set. Flagged: test data chose the model, so results are optimistic.
         */
        DF40_COMPATIBLE_TEST_SELECTION
    }
}
