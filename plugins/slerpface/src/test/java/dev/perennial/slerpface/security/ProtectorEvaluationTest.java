package dev.perennial.slerpface.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.slerpface.GroupedTemplate;
import dev.perennial.slerpface.SlerpFaceConfig;
import dev.perennial.slerpface.baseline.RandomProjectionConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.Random;
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
        assertEquals(1.0, none.attack(ProtectorEvaluation.KEY_KNOWN).acceptedByRawSystem());
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
        assertEquals(1.0, noDropout.attack(ProtectorEvaluation.KEY_KNOWN).acceptedByRawSystem());
        assertTrue(keyKnown(slerp) < 0.5, "key-known inversion " + keyKnown(slerp));
    }

    @Test
    void bioHashingRevokesButFallsToAStolenKey() {
        ProtectorEvaluation.Row rp = evaluation.run(SchemeUnderTest.randomProjection(
                new RandomProjectionConfig(256, 128, true)));
        assertTrue(rp.revokedAccept() <= 0.05);
        assertTrue(keyKnown(rp) > 0.9);
    }

    @Test
    void aLearnedAttackIsJudgedByBothSystems() {
        // copying the leaked raw template is a perfect replay for "none"; random templates are impostors
        InversionAttack copy = named("copy", pairs -> leaked -> SchemeUnderTest.uniformlyWeighted(
                RidgeInverter.toDouble(leaked.values()), 16));
        InversionAttack guess = named("guess", pairs -> {
            Random random = new Random(11);
            return leaked -> {
                double[] f = new double[256];
                for (int j = 0; j < f.length; j++) {
                    f[j] = random.nextGaussian();
                }
                return SchemeUnderTest.uniformlyWeighted(f, 16);
            };
        });
        ProtectorEvaluation.Row none = evaluation.run(SchemeUnderTest.none(), List.of(copy, guess));
        assertEquals(List.of(ProtectorEvaluation.KEY_KNOWN, "copy", "guess"),
                none.attacks().stream().map(ProtectorEvaluation.AttackOutcome::attack).toList());
        assertEquals(1.0, none.attack("copy").acceptedByProtectedSystem());
        assertEquals(none.attack(ProtectorEvaluation.KEY_KNOWN).acceptedByRawSystem(),
                none.attack("copy").acceptedByRawSystem());
        assertTrue(none.attack("guess").acceptedByProtectedSystem() <= 0.05);
        assertTrue(none.attack("guess").acceptedByRawSystem() <= 0.05);
        assertTrue(Math.abs(none.attack("guess").meanRawCosine()) < 0.1);
    }

    @Test
    void theRidgeAttackerLearnsOnlyFromTheAttackersIdentities() {
        List<Integer> seen = new ArrayList<>();
        InversionAttack spy = named("spy", pairs -> {
            pairs.forEach(p -> seen.add(p.identity()));
            GroupedTemplate someone = pairs.get(0).raw();
            return leaked -> someone;
        });
        evaluation.run(SchemeUnderTest.slerpFace(config), List.of(spy));
        assertEquals(40 * 2, seen.size());
        assertTrue(seen.stream().allMatch(id -> id >= 0 && id < 40), "attacker pairs must avoid test identities");
    }

    private static double keyKnown(ProtectorEvaluation.Row row) {
        return row.attack(ProtectorEvaluation.KEY_KNOWN).acceptedByRawSystem();
    }

    private static InversionAttack named(String name, Function<List<InversionAttack.LeakedPair>,
            InversionAttack.Inverter> fit) {
        return new InversionAttack() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Inverter fit(List<LeakedPair> pairs) {
                return fit.apply(pairs);
            }
        };
    }
}
