package dev.perennial.slerpface.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.slerpface.SlerpFaceConfig;
import dev.perennial.slerpface.baseline.RandomProjectionConfig;
import org.junit.jupiter.api.Test;

/**
 * The evaluation end to end on a small shape (16 groups × 16): the orderings the spec's security claims imply.
 */
class ProtectorEvaluationTest {

    private final SlerpFaceConfig config = SlerpFaceConfig.defaults().withShape(16, 16);
    private final ProtectorEvaluation evaluation = new ProtectorEvaluation(
            new SyntheticTemplates(16, 16, 0.5, 1.0, 0.1, 3), 40, 40, 3, 1e-3, 1.0, 5);

    @Test
    void unprotectedTemplatesAreLinkableInvertibleAndNotRevocable() {
        ProtectorEvaluation.Row none = evaluation.run(SchemeUnderTest.none());
        assertTrue(none.dSys() > 0.9, "D<->sys " + none.dSys());
        assertEquals(1.0, none.keyKnownInversion());
        assertEquals(1.0, none.revokedAccept());
        assertTrue(none.tar().tar() > 0.95);
    }

    @Test
    void slerpFaceMatchesRevokesAndResistsTheKeyKnownInverseOnlyWithDropout() {
        ProtectorEvaluation.Row slerp = evaluation.run(SchemeUnderTest.slerpFace(config));
        // protection costs some utility at this small shape (TAR ≈ 0.83 vs 1.0 raw); revocation must not
        assertTrue(slerp.tar().tar() > 0.7, "TAR " + slerp.tar().tar());
        assertTrue(slerp.revokedAccept() <= 0.05, "leaked accept " + slerp.revokedAccept());
        assertTrue(slerp.reenrolledTar() > 0.7, "re-enrolled " + slerp.reenrolledTar());
        ProtectorEvaluation.Row noDropout = evaluation.run(SchemeUnderTest.slerpFace(config.withDropRate(0)));
        assertEquals(1.0, noDropout.keyKnownInversion());
        assertTrue(slerp.keyKnownInversion() < 0.5, "key-known inversion " + slerp.keyKnownInversion());
    }

    @Test
    void bioHashingRevokesButFallsToAStolenKey() {
        ProtectorEvaluation.Row rp = evaluation.run(SchemeUnderTest.randomProjection(
                new RandomProjectionConfig(256, 128, true)));
        assertTrue(rp.revokedAccept() <= 0.05);
        assertTrue(rp.keyKnownInversion() > 0.9);
    }
}
