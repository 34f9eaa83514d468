package dev.perennial.deepfake.protocol;

import java.util.List;
import java.util.Map;

/**
 * The records a protocol assigns to training, validation and each test group.
 *
 * @param protocol the protocol
 * @param train training records (fakes of the training groups and the reals of their domains)
 * @param validation model-selection records
 * @param test per test group, its fakes and the reals of their domains
 * @param selectedOnTestData true when the validation set is test data ({@code DF40_COMPATIBLE_TEST_SELECTION});
 *     reports must say so
 */
public record ProtocolSplit(ProtocolSpec protocol, List<ForgeryRecord> train, List<ForgeryRecord> validation,
                            Map<String, List<ForgeryRecord>> test, boolean selectedOnTestData) {
    /** Copies. */
    public ProtocolSplit {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        test = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(test));
    }
}
