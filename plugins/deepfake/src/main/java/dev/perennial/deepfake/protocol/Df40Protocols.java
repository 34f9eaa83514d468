package dev.perennial.deepfake.protocol;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DF40's four protocols (specs/deepfake.md §C.2, CODE {@code DF40/README.md}) as {@link ProtocolSpec}s. Families are
 * {@code FS}, {@code FR}, {@code EFS}, {@code FE}; domains {@code ff} (FaceForensics++) and {@code cdf} (Celeb-DF).
 * Model selection defaults to a held-out 10 % of the training videos (pitfall C.7.1); DF40's own P1 selection on
 * the test set is {@link ProtocolSpec.ModelSelection#DF40_COMPATIBLE_TEST_SELECTION}.
 */
public final class Df40Protocols {
    /** The families P1 and P2 test on. */
    public static final List<String> TESTED_FAMILIES = List.of("FS", "FR", "EFS");
    /** P3's nine "unknown" methods (README order). */
    public static final List<String> P3_UNKNOWN_METHODS = List.of("deepfacelab", "heygen", "whichisreal",
            "MidJourney", "stargan", "starganv2", "styleclip", "e4e", "CollabDiff");
    /** Default held-out fraction of training videos. */
    public static final double VALIDATION_FRACTION = 0.1;

    private Df40Protocols() {}

    /**
     * P1, "Same Data Domain, Different Forgery Types": train on one family in ff, test on FSAll_ff, FRAll_ff,
     * EFSAll_ff.
     *
     * @param trainFamily e.g. {@code FS}
     * @param selection model selection
     * @param seed validation seed
     * @return the protocol
     */
    public static ProtocolSpec p1(String trainFamily, ProtocolSpec.ModelSelection selection, long seed) {
        return familyProtocol("P1-" + trainFamily, trainFamily, "ff", selection, seed);
    }

    /**
     * P2, "Same Forgery Types, Different Data Domain": train as P1, test on FSAll_cdf, FRAll_cdf, EFSAll_cdf.
     *
     * @param trainFamily e.g. {@code FS}
     * @param selection model selection
     * @param seed validation seed
     * @return the protocol
     */
    public static ProtocolSpec p2(String trainFamily, ProtocolSpec.ModelSelection selection, long seed) {
        return familyProtocol("P2-" + trainFamily, trainFamily, "cdf", selection, seed);
    }

    private static ProtocolSpec familyProtocol(String name, String trainFamily, String testDomain,
                                               ProtocolSpec.ModelSelection selection, long seed) {
        Map<String, ForgerySelector> tests = new LinkedHashMap<>();
        for (String f : TESTED_FAMILIES) {
            tests.put(f + "All_" + testDomain, ForgerySelector.families(Set.of(f), Set.of(testDomain)));
        }
        return new ProtocolSpec(name, ForgerySelector.families(Set.of(trainFamily), Set.of("ff")), tests,
                VALIDATION_FRACTION, seed, selection);
    }

    /**
     * P3, "Different Forgery Types, Different Data Domain": train as P1, test on each of the nine unknown methods.
     *
     * @param trainFamily e.g. {@code FS}
     * @param seed validation seed
     * @return the protocol
     */
    public static ProtocolSpec p3(String trainFamily, long seed) {
        Map<String, ForgerySelector> tests = new LinkedHashMap<>();
        for (String m : P3_UNKNOWN_METHODS) {
            tests.put(m, ForgerySelector.methods(Set.of(m)));
        }
        return new ProtocolSpec("P3-" + trainFamily, ForgerySelector.families(Set.of(trainFamily), Set.of("ff")),
                tests, VALIDATION_FRACTION, seed, ProtocolSpec.ModelSelection.HELD_OUT_VALIDATION);
    }

    /**
     * P4, "Train on one fake method and testing on all other methods (One-vs-All)": one row of the transfer matrix.
     * The test groups include the training method itself (the diagonal of the matrix, in-distribution).
     *
     * @param trainMethod the method trained on (in its training domain)
     * @param methods every method of the index
     * @param seed validation seed
     * @return the protocol
     */
    public static ProtocolSpec p4(String trainMethod, Collection<String> methods, long seed) {
        Map<String, ForgerySelector> tests = new LinkedHashMap<>();
        for (String m : methods) {
            tests.put(m, ForgerySelector.methods(Set.of(m)));
        }
        return new ProtocolSpec("P4-" + trainMethod, ForgerySelector.methods(Set.of(trainMethod)), tests,
                VALIDATION_FRACTION, seed, ProtocolSpec.ModelSelection.HELD_OUT_VALIDATION);
    }
}
