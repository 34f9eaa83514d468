package dev.perennial.deepfake.protocol;

import dev.perennial.spi.ConfigDoc;
import java.util.Set;

/**
 * Configuration of the {@code df40-protocol} data set: a forgery index cut by one DF40 protocol.
 *
 * @param indexFile the index CSV ({@link ForgeryIndex})
 * @param root the folder the index paths are relative to
 * @param protocol {@code p1}, {@code p2}, {@code p3} or {@code p4}
 * @param train the training family (P1–P3) or method (P4)
 * @param evaluateOn {@code validation} (model selection) or {@code test}
 * @param testGroup the test group evaluated when {@code evaluateOn} is {@code test}; empty = every group together
 * @param selection {@code held-out} or {@code df40-compatible}
 * @param imageSize the side images are resized to
 * @param seed the seed of the held-out validation split
 */
public record Df40SourceConfig(
        @ConfigDoc("Path of the forgery index CSV (header path,method,family,domain,label,video_id,split); required.")
        String indexFile,
        @ConfigDoc("Folder the index's paths are relative to; default '' = the index file's folder.") String root,
        @ConfigDoc("DF40 protocol: 'p1', 'p2', 'p3' or 'p4'; default 'p1'.") String protocol,
        @ConfigDoc("Training family (FS, FR, EFS, FE) for p1-p3, or training method for p4; default 'FS'.")
        String train,
        @ConfigDoc("'validation' (default; the held-out model-selection split) or 'test'.") String evaluateOn,
        @ConfigDoc("Test group evaluated when evaluateOn = 'test' (e.g. FRAll_ff, or a method for p3/p4); empty "
                + "(default) = every test group together.") String testGroup,
        @ConfigDoc("Model selection: 'held-out' (default; 10% of training videos) or 'df40-compatible' (DF40's P1 "
                + "README: test data selects the model; flagged).") String selection,
        @ConfigDoc("Side in pixels the frames are resized to, > 0; default 224.") int imageSize,
        @ConfigDoc("Seed of the held-out validation split; default 0.") long seed) {

    private static final Set<String> PROTOCOLS = Set.of("p1", "p2", "p3", "p4");

    /** Validates every field. */
    public Df40SourceConfig {
        indexFile = indexFile == null ? "" : indexFile;
        root = root == null ? "" : root;
        testGroup = testGroup == null ? "" : testGroup;
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException("df40-protocol config field 'protocol' must be p1, p2, p3 or p4; was '"
                    + protocol + "'");
        }
        if (train == null || train.isBlank()) {
            throw new IllegalArgumentException("df40-protocol config field 'train' must name a family or method");
        }
        if (!"validation".equals(evaluateOn) && !"test".equals(evaluateOn)) {
            throw new IllegalArgumentException("df40-protocol config field 'evaluateOn' must be 'validation' or "
                    + "'test'; was '" + evaluateOn + "'");
        }
        if (!"held-out".equals(selection) && !"df40-compatible".equals(selection)) {
            throw new IllegalArgumentException("df40-protocol config field 'selection' must be 'held-out' or "
                    + "'df40-compatible'; was '" + selection + "'");
        }
        if (imageSize <= 0) {
            throw new IllegalArgumentException("df40-protocol config field 'imageSize' must be > 0; was " + imageSize);
        }
    }

    /**
     * The defaults (the index file must still be set).
     *
     * @return P1 trained on FS, evaluated on the held-out validation split, 224 px
     */
    public static Df40SourceConfig defaults() {
        return new Df40SourceConfig("", "", "p1", "FS", "validation", "", "held-out", 224, 0);
    }
}
