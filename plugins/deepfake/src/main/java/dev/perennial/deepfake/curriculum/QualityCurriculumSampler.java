package dev.perennial.deepfake.curriculum;

import dev.perennial.spi.PluginState;
import dev.perennial.spi.Sampler;
import dev.perennial.spi.TaskInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * QCF's quality-centric curriculum (specs/deepfake.md §A.1, checklist A.3.3) as an SPI {@link Sampler}.
 *
 * <p>Each fake's forgery quality score is FQS_i = d_t(i) + α_f·q_i: q from {@link StaticQualityScores}, d the
 * decayed loss-based hardness of {@link HardnessTracker}, fed by the per-sample losses the loop reports
 * ({@link #observe}). Episode 0 is a warm-up on every sample; in each later episode a subset of ⌊k_e·n⌋ fakes is
 * drawn without replacement with p = softmax(τ_e·FQS/mean FQS) ({@link QualitySampling}, {@link PacingSchedule}),
 * so higher-rated fakes are more likely to be chosen. The low-quality fakes (the undrawn ones, or the lowest-FQS
 * quantile of the drawn ones) are posted to the {@link QualityBoard}; the {@code quality-freda} augmenter softens
 * them with FreDA before the forward pass.
 *
 * <p>The loop's {@code order} speaks in indices of the task's training split, its {@code observe} in data-set ids.
 * The sampler learns the id of each index from the observation stream: the loop visits the returned order in
 * sequence, so the k-th sample observed in an epoch is {@code order[k]}. An index whose id is not known yet (before
 * its first visit, which the warm-up guarantees) is rated with the mean hardness of the known ones and q = 0. If an
 * observation contradicts a learnt id learning stops until the next epoch. Hardness is kept by id, so it is exact
 * either way. The checkpointed state holds the current epoch's order and cursor: a run resumed in the middle of an
 * epoch continues that order (it does not redraw it from the hardness observed since the epoch began) and keeps
 * learning ids, so it visits and rates exactly what the uninterrupted run does.
 */
public final class QualityCurriculumSampler implements Sampler {
    /** 2: also the current epoch's order, its key, the id-learning cursor, the posted low-quality ids and the
     * board's highest learning rate, so that a resume in the middle of an epoch continues it exactly. */
    private static final int STATE_SCHEMA = 2;
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final QualityCurriculumConfig config;
    private final PacingSchedule schedule;
    private final HardnessTracker hardness;
    private final LossScaling scaling;
    private final StaticQualityScores staticScores;
    private final QualityBoard board;
    private final Path logFolder;

    private final Map<Integer, long[]> idOfIndex = new HashMap<>();
    private final Map<String, int[]> episodeSubsets = new HashMap<>();
    private String lastDecayed = "";
    private int[] currentOrder = new int[0];
    private int currentTask = -1;
    private int cursor = -1;
    /** The "task/epoch" of {@link #currentOrder}, "" before the first order. */
    private String orderKey = "";
    /** The ids posted to the board with {@link #currentOrder}, sorted. */
    private long[] postedLowIds = new long[0];
    /** Set by {@link #loadState}: the epoch whose order a resume must continue rather than recompute. */
    private String restoredOrderKey = "";
    private Map<Long, SampleQuality> lastRatings = Map.of();

    /**
     * Makes the sampler.
     *
     * @param config the configuration
     * @param staticScores q per sample id
     * @param board the hand-off board shared with the FreDA augmenter
     * @param logFolder where to write the per-epoch score CSVs, or null for none
     */
    public QualityCurriculumSampler(QualityCurriculumConfig config, StaticQualityScores staticScores,
                                    QualityBoard board, Path logFolder) {
        this.config = config;
        this.schedule = config.schedule();
        this.hardness = new HardnessTracker(HardnessForm.parse(config.hardnessForm(), "hardnessForm"),
                config.hardnessDecay());
        this.scaling = LossScaling.parse(config.lossScaling(), "lossScaling");
        this.staticScores = staticScores;
        this.board = board;
        this.logFolder = config.logScores() ? logFolder : null;
    }

    /**
     * The per-sample rating of one sample in the last ordered epoch.
     *
     * @param id the sample's data-set id
     * @param staticScore q
     * @param hardness d
     * @param fqs d + α_f·q
     * @param probability its sampling probability p (NaN in the warm-up)
     * @param lowQuality whether it was posted for FreDA
     */
    public record SampleQuality(long id, double staticScore, double hardness, double fqs, double probability,
                                boolean lowQuality) {}

    /**
     * The ratings of the samples of the last ordered epoch whose ids are known.
     *
     * @return id to rating
     */
    public Map<Long, SampleQuality> ratings() {
        return lastRatings;
    }

    /**
     * The hardness tracker (read-only use: the dynamic term of each sample).
     *
     * @return the tracker
     */
    public HardnessTracker hardness() {
        return hardness;
    }

    /**
     * The board this sampler posts to.
     *
     * @return the board
     */
    public QualityBoard board() {
        return board;
    }

    @Override
    public int[] order(TaskInfo task, int[] labels, int epoch, long seed) {
        int n = labels.length;
        if (n == 0) {
            throw new IllegalArgumentException("quality-curriculum: task " + task.name() + " has no training samples");
        }
        String key = task.index() + "/" + epoch;
        if (key.equals(restoredOrderKey) && currentOrder.length > 0) {
            // A resume in the middle of this epoch: the order was drawn at the epoch's start, from the hardness
            // before this epoch's observations; recomputing it now (from later hardness, fewer learnt ids) would
            // visit other samples than the uninterrupted run. Continue the checkpointed order, board and cursor.
            restoredOrderKey = "";
            Set<Long> low = new HashSet<>();
            for (long id : postedLowIds) {
                low.add(id);
            }
            board.postLowQuality(low);
            return currentOrder.clone();
        }
        restoredOrderKey = "";
        if (!key.equals(lastDecayed)) {
            // d_t = γ·d_{t−1} (+ w·s_t for the samples visited in this epoch).
            hardness.startEpoch();
            lastDecayed = key;
        }
        long[] ids = idOfIndex.computeIfAbsent(task.index(), t -> {
            long[] a = new long[n];
            Arrays.fill(a, UNKNOWN);
            return a;
        });
        if (ids.length != n) {
            throw new IllegalStateException("quality-curriculum: task " + task.name() + " had " + ids.length
                    + " training samples before and has " + n + " now");
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<Integer> rated = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (config.sampleReals() || labels[i] != config.realLabel()) {
                rated.add(i);
            } else {
                kept.add(i);
            }
        }
        double meanKnown = meanKnownHardness(ids);
        double[] q = new double[rated.size()];
        double[] d = new double[rated.size()];
        double[] fqs = new double[rated.size()];
        for (int k = 0; k < rated.size(); k++) {
            long id = ids[rated.get(k)];
            q[k] = id == UNKNOWN ? 0 : staticScores.score(id).orElse(0);
            d[k] = id == UNKNOWN ? meanKnown : hardness.hardness(id);
            fqs[k] = d[k] + config.alpha() * q[k];
        }
        List<Integer> visit = new ArrayList<>(kept);
        Set<Integer> lowIdx = new HashSet<>();
        double[] p = null;
        if (schedule.warmUp(epoch) || rated.isEmpty()) {
            visit.addAll(rated);
        } else {
            p = QualitySampling.probabilities(fqs, schedule.temperature(epoch));
            int episode = schedule.episode(epoch);
            String subsetKey = task.index() + "/" + episode;
            int[] drawn = episodeSubsets.get(subsetKey);
            if (drawn == null || schedule.startsEpisode(epoch)) {
                drawn = QualitySampling.drawWithoutReplacement(p, schedule.subsetSize(epoch, rated.size()), random);
                episodeSubsets.keySet().removeIf(s -> s.startsWith(task.index() + "/"));
                episodeSubsets.put(subsetKey, drawn);
            }
            boolean[] isDrawn = new boolean[rated.size()];
            for (int k : drawn) {
                isDrawn[k] = true;
                visit.add(rated.get(k));
            }
            if (config.split() == QualityCurriculumConfig.LowQualitySplit.UNSAMPLED) {
                // X'_t = H_t ∪ FreDA(E_t): the undrawn fakes come back, softened.
                for (int k = 0; k < rated.size(); k++) {
                    if (!isDrawn[k] && labels[rated.get(k)] != config.realLabel()) {
                        visit.add(rated.get(k));
                        lowIdx.add(rated.get(k));
                    }
                }
            } else {
                List<Integer> drawnFakes = new ArrayList<>();
                for (int k : drawn) {
                    if (labels[rated.get(k)] != config.realLabel()) {
                        drawnFakes.add(k);
                    }
                }
                drawnFakes.sort((a, b) -> Double.compare(fqs[a], fqs[b]));
                int m = (int) Math.ceil(config.lowQualityFraction() * drawnFakes.size() - 1e-9);
                for (int j = 0; j < m; j++) {
                    lowIdx.add(rated.get(drawnFakes.get(j)));
                }
            }
        }
        int[] order = visit.stream().mapToInt(Integer::intValue).toArray();
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        Set<Long> lowIds = new HashSet<>();
        for (int i : lowIdx) {
            if (ids[i] != UNKNOWN) {
                lowIds.add(ids[i]);
            }
        }
        board.postLowQuality(lowIds);
        postedLowIds = lowIds.stream().mapToLong(Long::longValue).sorted().toArray();
        Map<Long, SampleQuality> ratings = new LinkedHashMap<>();
        for (int k = 0; k < rated.size(); k++) {
            long id = ids[rated.get(k)];
            if (id != UNKNOWN) {
                ratings.put(id, new SampleQuality(id, q[k], d[k], fqs[k], p == null ? Double.NaN : p[k],
                        lowIds.contains(id)));
            }
        }
        lastRatings = Map.copyOf(ratings);
        currentOrder = order;
        currentTask = task.index();
        cursor = 0;
        orderKey = key;
        writeLog(task, epoch, ratings);
        return order;
    }

    private double meanKnownHardness(long[] ids) {
        double sum = 0;
        int count = 0;
        for (long id : ids) {
            if (id != UNKNOWN && hardness.seen(id)) {
                sum += hardness.hardness(id);
                count++;
            }
        }
        return count == 0 ? 0 : sum / count;
    }

    @Override
    public void observe(long[] sampleIds, float[] losses) {
        if (sampleIds.length != losses.length) {
            throw new IllegalArgumentException("quality-curriculum: " + sampleIds.length + " sample ids but "
                    + losses.length + " per-sample losses");
        }
        double eta = board.learningRate();
        if (scaling != LossScaling.NONE && !(eta > 0)) {
            throw new IllegalStateException("quality-curriculum: config field 'lossScaling' = '" + scaling.id()
                    + "' needs the step's learning rate, which the 'quality-freda' augmenter reports; add it to the "
                    + "experiment's augmenters with the same 'board' name ('" + config.board() + "'), or set "
                    + "lossScaling to 'none'");
        }
        learnIds(sampleIds);
        for (int k = 0; k < sampleIds.length; k++) {
            if (Float.isFinite(losses[k])) {
                hardness.observe(sampleIds[k], scaling.scale(losses[k], eta, board.maxLearningRate()));
            }
        }
    }

    private void learnIds(long[] sampleIds) {
        if (cursor < 0) {
            return;
        }
        long[] ids = idOfIndex.get(currentTask);
        for (int k = 0; k < sampleIds.length; k++) {
            int pos = cursor + k;
            if (ids == null || pos >= currentOrder.length) {
                cursor = -1;
                return;
            }
            int index = currentOrder[pos];
            if (ids[index] != UNKNOWN && ids[index] != sampleIds[k]) {
                // The stream is not aligned with the order (a mid-epoch resume): stop learning until next epoch.
                cursor = -1;
                return;
            }
        }
        for (int k = 0; k < sampleIds.length; k++) {
            ids[currentOrder[cursor + k]] = sampleIds[k];
        }
        cursor += sampleIds.length;
    }

    /**
     * The data-set id learnt for an index of a task's training split.
     *
     * @param task the task index
     * @param index the index in the task's training split
     * @return the id, if it was observed
     */
    public Optional<Long> idOf(int task, int index) {
        long[] ids = idOfIndex.get(task);
        return ids == null || index < 0 || index >= ids.length || ids[index] == UNKNOWN ? Optional.empty()
                : Optional.of(ids[index]);
    }

    private void writeLog(TaskInfo task, int epoch, Map<Long, SampleQuality> ratings) {
        if (logFolder == null) {
            return;
        }
        StringBuilder sb = new StringBuilder("id,static_q,hardness_d,fqs,probability,low_quality\n");
        for (SampleQuality s : ratings.values()) {
            sb.append(String.format(Locale.ROOT, "%d,%.9g,%.9g,%.9g,%.9g,%b%n", s.id(), s.staticScore(),
                    s.hardness(), s.fqs(), s.probability(), s.lowQuality()));
        }
        Path file = logFolder.resolve("quality-task" + task.index() + "-epoch" + epoch + ".csv");
        try {
            Files.createDirectories(logFolder);
            Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("quality-curriculum: cannot write " + file, e);
        }
    }

    @Override
    public PluginState saveState() {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<Long, Double> h = hardness.snapshot();
        List<Long> hid = new ArrayList<>(h.keySet());
        hid.sort(Long::compare);
        values.put("hardnessIds", hid);
        values.put("hardnessValues", hid.stream().map(h::get).toList());
        values.put("lastDecayed", lastDecayed);
        values.put("orderKey", orderKey);
        values.put("orderTask", currentTask);
        values.put("order", Arrays.stream(currentOrder).boxed().toList());
        values.put("cursor", cursor);
        values.put("lowQuality", Arrays.stream(postedLowIds).boxed().toList());
        if (Double.isFinite(board.maxLearningRate())) {
            values.put("boardMaxLearningRate", board.maxLearningRate());
        }
        for (Map.Entry<Integer, long[]> e : new java.util.TreeMap<>(idOfIndex).entrySet()) {
            values.put("ids-task-" + e.getKey(), Arrays.stream(e.getValue()).boxed().toList());
        }
        for (Map.Entry<String, int[]> e : new java.util.TreeMap<>(episodeSubsets).entrySet()) {
            values.put("subset-" + e.getKey(), Arrays.stream(e.getValue()).boxed().toList());
        }
        return new PluginState(STATE_SCHEMA, Map.of(), values);
    }

    @Override
    public void loadState(PluginState state) {
        state.requireSchema("quality-curriculum", STATE_SCHEMA, 1);
        List<?> hid = (List<?>) state.values().getOrDefault("hardnessIds", List.of());
        List<?> hv = (List<?>) state.values().getOrDefault("hardnessValues", List.of());
        Map<Long, Double> h = new HashMap<>();
        for (int i = 0; i < hid.size(); i++) {
            h.put(((Number) hid.get(i)).longValue(), ((Number) hv.get(i)).doubleValue());
        }
        hardness.restore(h);
        lastDecayed = String.valueOf(state.values().getOrDefault("lastDecayed", ""));
        idOfIndex.clear();
        episodeSubsets.clear();
        for (Map.Entry<String, Object> e : state.values().entrySet()) {
            if (e.getKey().startsWith("ids-task-")) {
                List<?> l = (List<?>) e.getValue();
                idOfIndex.put(Integer.parseInt(e.getKey().substring("ids-task-".length())),
                        l.stream().mapToLong(o -> ((Number) o).longValue()).toArray());
            } else if (e.getKey().startsWith("subset-")) {
                List<?> l = (List<?>) e.getValue();
                episodeSubsets.put(e.getKey().substring("subset-".length()),
                        l.stream().mapToInt(o -> ((Number) o).intValue()).toArray());
            }
        }
        // A resume may start mid-epoch: the loop asks for this epoch's order again; order() then hands back the
        // checkpointed order and keeps learning ids from the checkpointed cursor, as the uninterrupted run does.
        orderKey = String.valueOf(state.values().getOrDefault("orderKey", ""));
        currentTask = ((Number) state.values().getOrDefault("orderTask", -1)).intValue();
        currentOrder = ((List<?>) state.values().getOrDefault("order", List.of())).stream()
                .mapToInt(o -> ((Number) o).intValue()).toArray();
        cursor = ((Number) state.values().getOrDefault("cursor", -1)).intValue();
        postedLowIds = ((List<?>) state.values().getOrDefault("lowQuality", List.of())).stream()
                .mapToLong(o -> ((Number) o).longValue()).toArray();
        restoredOrderKey = orderKey;
        Object maxLr = state.values().get("boardMaxLearningRate");
        if (maxLr instanceof Number n) {
            board.restoreMaxLearningRate(n.doubleValue());
        }
    }
}
