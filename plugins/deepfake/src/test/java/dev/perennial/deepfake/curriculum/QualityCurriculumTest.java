package dev.perennial.deepfake.curriculum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.spi.PluginState;
import dev.perennial.spi.TaskInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Properties Q7–Q9 of specs/deepfake.md §A.4 and the sampler's hand-off to FreDA. */
class QualityCurriculumTest {

    private static final TaskInfo TASK = new TaskInfo(0, "task-0", new int[] {0, 1}, 40, 10);

    @Test
    void probabilitiesSumToOneAndFollowTheScore() {
        double[] fqs = {0.5, 1.0, 2.0, 2.0, 3.5};
        for (double tau : new double[] {0, 0.5, 1, 20}) {
            double[] p = QualitySampling.probabilities(fqs, tau);
            assertEquals(1.0, Arrays.stream(p).sum(), 1e-12);
            if (tau > 0) {
                for (int i = 1; i < fqs.length; i++) {
                    if (fqs[i] > fqs[i - 1]) {
                        assertTrue(p[i] > p[i - 1], "strictly higher score => higher probability at tau " + tau);
                    }
                }
            }
        }
        double[] uniform = QualitySampling.probabilities(fqs, 0);
        for (double v : uniform) {
            assertEquals(0.2, v, 1e-15);
        }
        double[] nearZero = QualitySampling.probabilities(fqs, 1e-9);
        for (double v : nearZero) {
            assertEquals(0.2, v, 1e-8, "tau -> 0 => uniform");
        }
        // Large tau concentrates on the best sample.
        assertTrue(QualitySampling.probabilities(fqs, 200)[4] > 0.999);
        // The formula itself: u = FQS / mean, p ∝ exp(tau u).
        double mean = Arrays.stream(fqs).average().orElseThrow();
        double[] p = QualitySampling.probabilities(fqs, 2);
        assertEquals(Math.exp(2 * (3.5 - 0.5) / mean), p[4] / p[0], 1e-9);
    }

    @Test
    void paceIsMonotonicAndMatchesDihcl() {
        PacingSchedule s = QualityCurriculumConfig.defaults().schedule();
        assertTrue(s.warmUp(0) && s.warmUp(4) && !s.warmUp(5));
        double lastTau = Double.POSITIVE_INFINITY;
        double lastK = 2;
        for (int epoch = 5; epoch < 400; epoch++) {
            double tau = s.temperature(epoch);
            double k = s.fraction(epoch);
            assertTrue(tau <= lastTau && tau >= 1, "temperature non-increasing with floor 1");
            assertTrue(k <= lastK && k >= 0.3, "fraction non-increasing with floor 0.3");
            lastTau = tau;
            lastK = k;
            int e = s.sampledEpisode(epoch);
            assertEquals(Math.max(Math.pow(0.9, e), 0.3), k, 1e-12, "k = max(k0 (1-dk)^e, mk)");
            assertEquals(Math.max(1, 20 * Math.pow(0.8, e)), tau, 1e-12);
        }
        assertEquals(20, s.temperature(5), 0);
        assertEquals(16, s.temperature(10), 1e-12);
        assertEquals(100, s.subsetSize(5, 100));
        assertEquals(90, s.subsetSize(10, 100));
        // Past the last boundary the pace stays in the last episode (e = 10): k = 0.9^10 = 0.349.
        assertEquals(34, s.subsetSize(300, 100));
        assertEquals(34, s.subsetSize(1000, 100));
    }

    @Test
    void hardnessConvergesAsEachFormSays() {
        HardnessTracker sum = new HardnessTracker(HardnessForm.DISCOUNTED_SUM, 0.9);
        HardnessTracker ema = new HardnessTracker(HardnessForm.EMA, 0.9);
        for (int epoch = 0; epoch < 400; epoch++) {
            sum.startEpoch();
            ema.startEpoch();
            sum.observe(1, 2.0);
            ema.observe(1, 2.0);
        }
        assertEquals(2.0 / (1 - 0.9), sum.hardness(1), 1e-9);
        assertEquals(2.0, ema.hardness(1), 1e-9);
        // Not visited: decays only.
        sum.startEpoch();
        assertEquals(0.9 * 20.0, sum.hardness(1), 1e-9);
        assertEquals(0, sum.hardness(99), 0);
    }

    @Test
    void fqsIsMonotoneAndAlphaZeroIsDynamicOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("q.csv");
        Files.writeString(file, "# id,score\n101,0.9\n102,0.1\n");
        StaticQualityScores q = StaticQualityScores.read(file, false);
        assertEquals(2, q.size());
        QualityCurriculumConfig base = QualityCurriculumConfig.defaults();
        QualityCurriculumConfig alphaZero = with(base, 0.0);
        Sim sim = new Sim(alphaZero, q);
        sim.epochWithLoss(i -> 1.0f);
        sim.sampler.order(TASK, sim.labels, 1, 9);
        for (QualityCurriculumSampler.SampleQuality r : sim.sampler.ratings().values()) {
            assertEquals(r.hardness(), r.fqs(), 0, "alpha = 0 => FQS = d");
        }
        Sim withStatic = new Sim(with(base, 2.0), q);
        withStatic.epochWithLoss(i -> 1.0f);
        withStatic.sampler.order(TASK, withStatic.labels, 1, 9);
        QualityCurriculumSampler.SampleQuality a = withStatic.sampler.ratings().get(101L);
        QualityCurriculumSampler.SampleQuality b = withStatic.sampler.ratings().get(102L);
        assertEquals(a.hardness() + 2.0 * 0.9, a.fqs(), 1e-12);
        assertTrue(a.fqs() > b.fqs(), "equal d, higher q => higher FQS");
        assertThrows(IllegalArgumentException.class, () -> StaticQualityScores.read(dir.resolve("none.csv"), false));
        Files.writeString(file, "5;0.3\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StaticQualityScores.read(file, false));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void warmUpUsesEverySampleThenSubsetsShrinkWithoutDuplicates() {
        QualityCurriculumConfig c = new QualityCurriculumConfig(1.0, "", false, "discounted-sum", 0.9, "none",
                new int[] {0, 1, 2, 3}, 20, 0.8, 1, 1.0, 0.5, 0.3, 0, false, "quantile", 0.25, "b", false);
        Sim sim = new Sim(c, StaticQualityScores.none());
        int[] warm = sim.epochWithLoss(i -> (float) (i % 7));
        assertEquals(40, warm.length);
        assertEquals(40, Arrays.stream(warm).distinct().count());
        int fakes = (int) Arrays.stream(sim.labels).filter(l -> l != 0).count();
        int reals = 40 - fakes;
        int[] sizes = new int[3];
        for (int epoch = 1; epoch <= 3; epoch++) {
            int[] order = sim.sampler.order(TASK, sim.labels, epoch, 100 + epoch);
            assertEquals(order.length, Arrays.stream(order).distinct().count(), "no duplicates within an epoch");
            int drawnFakes = (int) Arrays.stream(order).filter(i -> sim.labels[i] != 0).count();
            sizes[epoch - 1] = drawnFakes;
            assertEquals(reals, Arrays.stream(order).filter(i -> sim.labels[i] == 0).count(), "reals always kept");
            assertEquals((int) Math.floor(Math.max(Math.pow(0.5, epoch - 1), 0.3) * fakes + 1e-9), drawnFakes);
            // Quantile split: the lowest-FQS quarter of the drawn fakes is posted for FreDA.
            assertEquals((int) Math.ceil(0.25 * drawnFakes - 1e-9), sim.board.lowQuality().size());
            feed(sim, order, i -> (float) (i % 7));
        }
        assertTrue(sizes[0] > sizes[1] && sizes[1] > sizes[2]);
    }

    @Test
    void unsampledFakesComeBackFlaggedForFreda() {
        QualityCurriculumConfig c = new QualityCurriculumConfig(1.0, "", false, "ema", 0.9, "none",
                new int[] {0, 1}, 20, 0.8, 1, 0.5, 0.1, 0.3, 0, false, "unsampled", 0.3, "b", false);
        Sim sim = new Sim(c, StaticQualityScores.none());
        sim.epochWithLoss(i -> (float) i);
        int[] order = sim.sampler.order(TASK, sim.labels, 1, 5);
        assertEquals(40, order.length, "X' = H u FreDA(E): every sample is visited");
        int fakes = (int) Arrays.stream(sim.labels).filter(l -> l != 0).count();
        assertEquals(fakes - fakes / 2, sim.board.lowQuality().size());
        for (long id : sim.board.lowQuality()) {
            assertTrue(sim.labelOfId(id) != 0, "only fakes are softened");
        }
        // The losses grow with the index, so the high-hardness fakes are the likely draws: the flagged ones have
        // a lower mean hardness than the drawn ones.
        double flagged = sim.sampler.ratings().values().stream().filter(QualityCurriculumSampler.SampleQuality::lowQuality)
                .mapToDouble(QualityCurriculumSampler.SampleQuality::hardness).average().orElseThrow();
        double drawn = sim.sampler.ratings().values().stream().filter(r -> !r.lowQuality())
                .mapToDouble(QualityCurriculumSampler.SampleQuality::hardness).average().orElseThrow();
        assertTrue(flagged < drawn, flagged + " vs " + drawn);
    }

    @Test
    void reproducibleUnderASeedAndAcrossCheckpoints() {
        QualityCurriculumConfig c = QualityCurriculumConfig.defaults();
        Sim a = new Sim(c, StaticQualityScores.none());
        Sim b = new Sim(c, StaticQualityScores.none());
        for (int epoch = 0; epoch < 7; epoch++) {
            int[] oa = a.sampler.order(TASK, a.labels, epoch, 31L * epoch);
            int[] ob = b.sampler.order(TASK, b.labels, epoch, 31L * epoch);
            assertArrayEquals(oa, ob);
            feed(a, oa, i -> (float) Math.sin(i));
            feed(b, ob, i -> (float) Math.sin(i));
        }
        PluginState state = a.sampler.saveState();
        Sim restored = new Sim(c, StaticQualityScores.none());
        restored.sampler.loadState(state);
        assertArrayEquals(a.sampler.order(TASK, a.labels, 7, 77), restored.sampler.order(TASK, a.labels, 7, 77));
        assertEquals(a.board.lowQuality(), restored.board.lowQuality());
    }

    /**
     * Issue 16 (kill-and-resume stress, quality-curriculum + de-da): a run resumed in the middle of an epoch redrew
     * that epoch's order from the hardness observed since the epoch began and stopped learning ids until the next
     * epoch, so it trained on other samples than the uninterrupted run. A checkpoint taken after any batch, restored
     * into a fresh sampler, now continues with exactly the uninterrupted run's orders, board and hardness.
     */
    @Test
    void resumeInTheMiddleOfAnEpochContinuesTheUninterruptedRun() {
        QualityCurriculumConfig c = new QualityCurriculumConfig(1.0, "", false, "discounted-sum", 0.9, "none",
                new int[] {0, 1, 2, 3}, 20, 0.8, 1, 1.0, 0.1, 0.3, 0, false, "quantile", 0.3, "b", false);
        java.util.function.BiFunction<Integer, Integer, Float> loss = (epoch, i) -> (float) Math.abs(Math.sin(
                0.7 * i + epoch));
        int epochs = 4;
        Sim reference = new Sim(c, StaticQualityScores.none());
        List<int[]> orders = new ArrayList<>();
        List<java.util.Set<Long>> boards = new ArrayList<>();
        for (int epoch = 0; epoch < epochs; epoch++) {
            int[] order = reference.sampler.order(TASK, reference.labels, epoch, 1000 + epoch);
            orders.add(order);
            boards.add(reference.board.lowQuality());
            int e = epoch;
            feed(reference, order, i -> loss.apply(e, i));
        }
        for (int killEpoch = 0; killEpoch < epochs; killEpoch++) {
            for (int killBatch = 1; killBatch * 8 < orders.get(killEpoch).length; killBatch++) {
                Sim killed = new Sim(c, StaticQualityScores.none());
                PluginState state = null;
                for (int epoch = 0; epoch <= killEpoch && state == null; epoch++) {
                    int[] order = killed.sampler.order(TASK, killed.labels, epoch, 1000 + epoch);
                    for (int b = 0; b * 8 < order.length; b++) {
                        int e = epoch;
                        feed(killed, Arrays.copyOfRange(order, b * 8, Math.min(order.length, b * 8 + 8)),
                                i -> loss.apply(e, i));
                        if (epoch == killEpoch && b + 1 == killBatch) {
                            state = killed.sampler.saveState();
                            break;
                        }
                    }
                }
                Sim resumed = new Sim(c, StaticQualityScores.none());
                resumed.sampler.loadState(state);
                String where = "killed after batch " + killBatch + " of epoch " + killEpoch;
                for (int epoch = killEpoch; epoch < epochs; epoch++) {
                    int[] order = resumed.sampler.order(TASK, resumed.labels, epoch, 1000 + epoch);
                    assertArrayEquals(orders.get(epoch), order, where + ": order of epoch " + epoch);
                    assertEquals(boards.get(epoch), resumed.board.lowQuality(), where + ": board of epoch " + epoch);
                    int e = epoch;
                    int from = epoch == killEpoch ? killBatch * 8 : 0;
                    feed(resumed, Arrays.copyOfRange(order, from, order.length), i -> loss.apply(e, i));
                }
                assertEquals(reference.sampler.hardness().snapshot(), resumed.sampler.hardness().snapshot(), where);
            }
        }
    }

    @Test
    void learningRateScalingNeedsTheCompanion() {
        QualityCurriculumConfig c = new QualityCurriculumConfig(1.0, "", false, "discounted-sum", 0.9,
                "inverse-lr", new int[] {0, 1}, 20, 0.8, 1, 1.0, 0.1, 0.3, 0, false, "unsampled", 0.3, "b", false);
        Sim sim = new Sim(c, StaticQualityScores.none());
        int[] order = sim.sampler.order(TASK, sim.labels, 0, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> sim.sampler.observe(new long[] {sim.ids[order[0]]}, new float[] {1f}));
        assertTrue(e.getMessage().contains("quality-freda"), e.getMessage());
        sim.board.postLearningRate(0.5);
        sim.sampler.observe(new long[] {sim.ids[order[0]]}, new float[] {1f});
        assertEquals(2.0, sim.sampler.hardness().hardness(sim.ids[order[0]]), 1e-12, "s = l / lr");
    }

    @Test
    void configValidationNamesTheField() {
        QualityCurriculumConfig d = QualityCurriculumConfig.defaults();
        assertMessage(() -> new QualityCurriculumConfig(-1, "", false, "ema", 0.9, "none", d.episodeBoundaries(),
                20, 0.8, 1, 1, 0.1, 0.3, 0, false, "unsampled", 0.3, "q", true), "alpha");
        assertMessage(() -> new QualityCurriculumConfig(1, "", false, "sum", 0.9, "none", d.episodeBoundaries(),
                20, 0.8, 1, 1, 0.1, 0.3, 0, false, "unsampled", 0.3, "q", true), "hardnessForm");
        assertMessage(() -> new QualityCurriculumConfig(1, "", false, "ema", 1.0, "none", d.episodeBoundaries(),
                20, 0.8, 1, 1, 0.1, 0.3, 0, false, "unsampled", 0.3, "q", true), "hardnessDecay");
        assertMessage(() -> new QualityCurriculumConfig(1, "", false, "ema", 0.9, "none", new int[] {0, 5, 5},
                20, 0.8, 1, 1, 0.1, 0.3, 0, false, "unsampled", 0.3, "q", true), "episodeBoundaries");
        assertMessage(() -> new QualityCurriculumConfig(1, "", false, "ema", 0.9, "none", d.episodeBoundaries(),
                0, 0.8, 1, 1, 0.1, 0.3, 0, false, "unsampled", 0.3, "q", true), "initialTemperature");
        assertMessage(() -> new QualityCurriculumConfig(1, "", false, "ema", 0.9, "none", d.episodeBoundaries(),
                20, 0.8, 1, 1, 0.1, 0, 0, false, "unsampled", 0.3, "q", true), "minFraction");
        assertMessage(() -> new QualityCurriculumConfig(1, "", false, "ema", 0.9, "none", d.episodeBoundaries(),
                20, 0.8, 1, 1, 0.1, 0.3, 0, false, "half", 0.3, "q", true), "lowQualitySplit");
        assertMessage(() -> new QualityFredaConfig("", 0.1, "circle", "engine-fft", "complex", "real", "image", true),
                "board");
        assertMessage(() -> new QualityFredaConfig("q", 2, "circle", "engine-fft", "complex", "real", "image", true),
                "radius");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String field) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(field), x.getMessage());
    }

    private static QualityCurriculumConfig with(QualityCurriculumConfig c, double alpha) {
        return new QualityCurriculumConfig(alpha, c.staticScoresFile(), c.normaliseStaticScores(), c.hardnessForm(),
                c.hardnessDecay(), c.lossScaling(), new int[] {0, 1, 2}, c.initialTemperature(),
                c.temperatureDecay(), c.minTemperature(), c.initialFraction(), c.fractionDecay(), c.minFraction(),
                c.realLabel(), c.sampleReals(), c.lowQualitySplit(), c.lowQualityFraction(), c.board(), false);
    }

    private static void feed(Sim sim, int[] order, java.util.function.IntFunction<Float> loss) {
        // The loop's batches of 8, visited in order.
        for (int start = 0; start < order.length; start += 8) {
            int end = Math.min(order.length, start + 8);
            long[] ids = new long[end - start];
            float[] l = new float[end - start];
            for (int k = start; k < end; k++) {
                ids[k - start] = sim.ids[order[k]];
                l[k - start] = loss.apply(order[k]);
            }
            sim.sampler.observe(ids, l);
        }
    }

    /** A task of 40 samples with data-set ids 100.. and 3 fakes in 4. */
    private static final class Sim {
        final int[] labels = new int[40];
        final long[] ids = new long[40];
        final QualityBoard board = new QualityBoard();
        final QualityCurriculumSampler sampler;

        Sim(QualityCurriculumConfig c, StaticQualityScores q) {
            for (int i = 0; i < 40; i++) {
                labels[i] = i % 4 == 0 ? 0 : 1 + i % 3;
                ids[i] = 100 + i;
            }
            sampler = new QualityCurriculumSampler(c, q, board, null);
        }

        int[] epochWithLoss(java.util.function.IntFunction<Float> loss) {
            int[] order = sampler.order(TASK, labels, 0, 17);
            feed(this, order, loss);
            return order;
        }

        int labelOfId(long id) {
            return labels[(int) (id - 100)];
        }
    }

    @Test
    void learnsIdsFromTheObservationStream() {
        Sim sim = new Sim(QualityCurriculumConfig.defaults(), StaticQualityScores.none());
        sim.epochWithLoss(i -> 1f);
        Set<Long> learnt = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            assertEquals(sim.ids[i], sim.sampler.idOf(0, i).orElseThrow());
            learnt.add(sim.ids[i]);
        }
        assertEquals(40, learnt.size());
        assertFalse(sim.sampler.idOf(1, 0).isPresent());
        Map<Long, QualityCurriculumSampler.SampleQuality> r = sim.sampler.ratings();
        assertTrue(r.isEmpty(), "ratings are of the last ordered epoch, made before any id was known");
        SplittableRandom unused = new SplittableRandom(1);
        assertTrue(unused.nextInt(2) >= 0);
    }
}
