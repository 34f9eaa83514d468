package dev.perennial.slerpface.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.perennial.slerpface.GroupedTemplate;
import dev.perennial.slerpface.SlerpFaceConfig;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Metric;
import dev.perennial.spi.Predictions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The {@code slerpface-*} metrics read the learner's predicted templates batch by batch (image-major here, so the
 * accumulator must regroup them by label) and report the numbers of the {@link ProtectorEvaluation} the benchmark
 * program runs on the same templates (features as predicted, group weights renormalised to sum 1 as the program's
 * recogniser does), attacker identities first.
 */
class ProtectionMetricTest {
    private static final int M = 8;
    private static final int D = 16;
    private static final int ATTACKERS = 10;
    private static final int IDENTITIES = 50;
    private static final int IMAGES = 3;
    private static final long SEED = 9;

    private final SyntheticTemplates synthetic = new SyntheticTemplates(M, D, 0.5, 1.0, 0.1, 3);

    /** What the learner predicts: the flat template as float32. */
    private float[] predicted(int identity, int image) {
        return synthetic.sample(identity, image).toFlat();
    }

    /** The program's template from a predicted row (TrainedRecogniser.templates). */
    private GroupedTemplate programTemplate(int identity, int image) {
        float[] row = predicted(identity, image);
        double[] features = new double[M * D];
        double[] weights = new double[M];
        for (int j = 0; j < features.length; j++) {
            features[j] = row[j];
        }
        double sum = 0;
        for (int g = 0; g < M; g++) {
            weights[g] = row[M * D + g];
            sum += weights[g];
        }
        for (int g = 0; g < M; g++) {
            weights[g] /= sum;
        }
        return new GroupedTemplate(features, weights, D);
    }

    private double metric(ProtectionMetric.Score score, ProtectionMetricConfig config) {
        Metric.Accumulator acc = new ProtectionMetric(config, score, SEED).newAccumulator();
        try (NDManager m = NDManager.newBaseManager()) {
            List<float[]> rows = new ArrayList<>();
            List<Long> labels = new ArrayList<>();
            for (int image = 0; image < IMAGES; image++) {
                for (int identity = 0; identity < IDENTITIES; identity++) {
                    rows.add(predicted(identity, image));
                    labels.add((long) identity);
                }
            }
            for (int from = 0; from < rows.size(); from += 16) {
                int to = Math.min(rows.size(), from + 16);
                long[] y = labels.subList(from, to).stream().mapToLong(Long::longValue).toArray();
                Batch batch = new Batch(new NDList(), Optional.of(m.create(y)), Optional.empty(), new long[to - from],
                        0, Map.of());
                acc.add(batch, Predictions.ofScores(rows.subList(from, to).toArray(new float[0][])));
            }
            return acc.result();
        }
    }

    @Test
    void everyScoreIsTheProgramsEvaluationOfTheSameTemplates() {
        ProtectorEvaluation evaluation = new ProtectorEvaluation(this::programTemplate, ATTACKERS,
                IDENTITIES - ATTACKERS, IMAGES, 1e-3, 1.0, SEED);
        SlerpFaceConfig slerp = SlerpFaceConfig.defaults().withShape(M, D);
        Map<String, SchemeUnderTest> schemes = Map.of("none", SchemeUnderTest.none(),
                "slerpface", SchemeUnderTest.slerpFace(slerp),
                "random-projection", SchemeUnderTest.randomProjection(
                        new dev.perennial.slerpface.baseline.RandomProjectionConfig(M * D, M * D / 2, true)));
        for (Map.Entry<String, SchemeUnderTest> e : schemes.entrySet()) {
            ProtectorEvaluation.Row expected = evaluation.run(e.getValue());
            ProtectionMetricConfig config = new ProtectionMetricConfig(e.getKey(), ATTACKERS, D, 1e-3, 1.0, 0);
            for (ProtectionMetric.Score score : ProtectionMetric.Score.values()) {
                assertEquals(score.of(expected), metric(score, config), 0.0, e.getKey() + " " + score.plugin());
            }
        }
        // The schemes differ where they should: raw templates are linkable, SlerpFace's are not.
        ProtectionMetricConfig none = new ProtectionMetricConfig("none", ATTACKERS, D, 1e-3, 1.0, 0);
        ProtectionMetricConfig slerpface = new ProtectionMetricConfig("slerpface", ATTACKERS, D, 1e-3, 1.0, 0);
        assertTrue(metric(ProtectionMetric.Score.D_SYS, none) > metric(ProtectionMetric.Score.D_SYS, slerpface));
    }

    @Test
    void badInputIsRefusedInOneLineNamingTheMetric() {
        ProtectionMetricConfig config = new ProtectionMetricConfig("slerpface", IDENTITIES - 1, D, 1e-3, 1.0, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> metric(ProtectionMetric.Score.TAR, config));
        assertTrue(e.getMessage().startsWith("slerpface-tar: ") && e.getMessage().contains("2 or more"),
                e.getMessage());
        ProtectionMetricConfig wrongD = new ProtectionMetricConfig("none", ATTACKERS, 5, 1e-3, 1.0, 0);
        e = assertThrows(IllegalArgumentException.class, () -> metric(ProtectionMetric.Score.TAR, wrongD));
        assertTrue(e.getMessage().contains("groupSize d = 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ProtectionMetricConfig("biohash", 1, 16, 1e-3, 1,
                0));
        assertTrue(e.getMessage().contains("'scheme' must be one of"), e.getMessage());
        Metric.Accumulator acc = new ProtectionMetric(ProtectionMetricConfig.defaults(), ProtectionMetric.Score.TAR,
                1).newAccumulator();
        try (NDManager m = NDManager.newBaseManager()) {
            Batch batch = new Batch(new NDList(), Optional.of(m.create(new long[] {0})), Optional.empty(),
                    new long[1], 0, Map.of());
            e = assertThrows(IllegalArgumentException.class, () -> acc.add(batch, Predictions.ofClasses(
                    new long[] {0})));
            assertTrue(e.getMessage().contains("predictTemplates: true"), e.getMessage());
        }
    }
}
