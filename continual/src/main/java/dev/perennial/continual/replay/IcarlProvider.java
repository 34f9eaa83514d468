package dev.perennial.continual.replay;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.continual.net.BackboneConfig;
import dev.perennial.continual.net.ClassifierNet;
import dev.perennial.models.nn.Owned;
import dev.perennial.models.nn.Scalars;
import dev.perennial.spi.Batch;
import dev.perennial.spi.ConfigDoc;
import dev.perennial.spi.LabelMix;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskData;
import dev.perennial.spi.TaskInfo;
import dev.perennial.spi.replay.ReplayItem;
import dev.perennial.spi.replay.ReplayItems;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * {@code icarl}: iCaRL (Rebuffi et al., CVPR 2017, arXiv:1611.07725; specs/replay.md §3). Per task: the training
 * data is the new classes' data and the exemplars (a draw of exemplars is concatenated to every batch, in the
 * proportion the union would give: {@code B_m = round(B · |P| / |D_t|)} unless {@code replayBatchSize} is set);
 * the representation loss is the paper's sigmoid BCE with the old network's sigmoid outputs as targets on old
 * classes (default, {@code loss: bce-sigmoid}, Mammoth's form) or PyCIL's softmax CE plus softmax KD at T = 2
 * without the T² factor ({@code loss: softmax-kd}); after the task, herding picks each new class's exemplars in
 * order, old classes keep the prefix of their list, and the class means of the exemplars' L2-normalised features
 * (current network, evaluation mode) make the nearest-mean-of-exemplars classifier, which {@code predict} uses
 * ({@code classifier: nme}; {@code linear} uses the head instead).
 *
 * <p>Class means, two conventions ({@code meanOfFlips}): PyCIL ({@code models/base.py}, {@code _construct_exemplar}
 * and {@code _reduce_exemplar} at 87cc411) averages the L2-normalised features of the exemplars as stored, never
 * flipped (its data manager has a {@code "flip"} mode that no iCaRL path uses), {@code μ_y = normalise(mean_p φ̂(p))}:
 * the default, {@code false}. Mammoth ({@code models/icarl.py}, {@code compute_class_means}) also averages the
 * normalised features of each exemplar's horizontal flip, {@code μ_y = normalise((mean_p φ̂(p) + mean_p
 * φ̂(flip p)) / 2)}: {@code true}. Test images are never flipped in either, and herding uses unflipped features.
 *
 * <p>Not implemented: Mammoth's explicit L2 penalty {@code opt_wd · Σ‖p‖²} (use the loop's weight decay).
 */
@PluginName("icarl")
public final class IcarlProvider extends RehearsalProvider<IcarlProvider.Config> {
    /** Creates the provider. */
    public IcarlProvider() {
        super(Config.class,
                () -> new Config(BackboneConfig.defaults(), 2000, "fixed-total", "bce-sigmoid", 2.0, false, 0, "nme",
                        "none", false),
                "iCaRL: herding exemplars, distillation of the old network, nearest-mean-of-exemplars classifier.");
    }

    /**
     * Configuration.
     *
     * @param backbone the network
     * @param memorySize total exemplars (fixed-total) or exemplars per class (fixed-per-class)
     * @param memoryConvention {@code fixed-total} or {@code fixed-per-class}
     * @param loss {@code bce-sigmoid} or {@code softmax-kd}
     * @param temperature T of the softmax KD
     * @param bceOverSeenOnly BCE over the classes seen so far instead of all units
     * @param replayBatchSize exemplars per step, 0 for the proportion of the union
     * @param classifier {@code nme} or {@code linear}
     * @param augmentation the learner's own augmentation
     * @param meanOfFlips class means also average the exemplars' horizontally flipped features (Mammoth)
     */
    public record Config(
            @ConfigDoc("The backbone network.") @JsonProperty("backbone") BackboneConfig backbone,
            @ConfigDoc("Exemplar memory, >= 1: the total M under 'fixed-total' (PyCIL CIFAR-100: 2000), exemplars per"
                    + " class under 'fixed-per-class' (PyCIL: 20).") @JsonProperty("memorySize") int memorySize,
            @ConfigDoc("'fixed-total' (m = floor(M / classes seen) per class, shrinking; PyCIL fixed_memory=false,"
                    + " the paper) or 'fixed-per-class' (m = memorySize; total grows).")
            @JsonProperty("memoryConvention") String memoryConvention,
            @ConfigDoc("Representation loss: 'bce-sigmoid' (paper and Mammoth: BCE of sigmoid outputs, old classes'"
                    + " targets are the old network's sigmoid outputs) or 'softmax-kd' (PyCIL: CE plus softmax KD at"
                    + " 'temperature' over the old classes, no T² factor).") @JsonProperty("loss") String loss,
            @ConfigDoc("Temperature T > 0 of the softmax KD (PyCIL: 2); unused by bce-sigmoid.")
            @JsonProperty("temperature") double temperature,
            @ConfigDoc("bce-sigmoid over the classes seen so far only; false runs it over all head units, future"
                    + " classes with target 0 (Mammoth).") @JsonProperty("bceOverSeenOnly") boolean bceOverSeenOnly,
            @ConfigDoc("Exemplars drawn per step, >= 0; 0 draws round(B · exemplars / task examples), the share the"
                    + " union of exemplars and task data would give.") @JsonProperty("replayBatchSize") int replayBatchSize,
            @ConfigDoc("Prediction: 'nme' (nearest mean of exemplars, iCaRL's classifier) or 'linear' (the head).")
            @JsonProperty("classifier") String classifier,
            @ConfigDoc("Augmentation the learner applies to the stream batch and to replayed exemplars: 'none' or"
                    + " 'crop-flip'.") @JsonProperty("augmentation") String augmentation,
            @ConfigDoc("NME class means: false (PyCIL, default) = normalise(mean of the exemplars' L2-normalised"
                    + " features); true (Mammoth) = normalise of the average of that mean and the same mean over the"
                    + " exemplars' horizontal flips. Test images are never flipped.")
            @JsonProperty("meanOfFlips") boolean meanOfFlips) {
        /** Validates; messages name the field. */
        public Config {
            backbone = backbone == null ? BackboneConfig.defaults() : backbone;
            if (memorySize < 1) {
                throw new IllegalArgumentException("memorySize must be >= 1, was " + memorySize);
            }
            if (!"fixed-total".equals(memoryConvention) && !"fixed-per-class".equals(memoryConvention)) {
                throw new IllegalArgumentException("memoryConvention must be 'fixed-total' or 'fixed-per-class', was '"
                        + memoryConvention + "'");
            }
            if (!"bce-sigmoid".equals(loss) && !"softmax-kd".equals(loss)) {
                throw new IllegalArgumentException("loss must be 'bce-sigmoid' or 'softmax-kd', was '" + loss + "'");
            }
            if (!(temperature > 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException("temperature must be a finite number > 0, was " + temperature);
            }
            if (replayBatchSize < 0) {
                throw new IllegalArgumentException("replayBatchSize must be >= 0 (0 = proportional), was "
                        + replayBatchSize);
            }
            if (!"nme".equals(classifier) && !"linear".equals(classifier)) {
                throw new IllegalArgumentException("classifier must be 'nme' or 'linear', was '" + classifier + "'");
            }
            ReplayAugmentation.parse("augmentation", augmentation);
        }
    }

    @Override
    public Learner create(Config config, PluginContext context) {
        return new IcarlLearner(context, config);
    }

    /** The learner. */
    static final class IcarlLearner extends RehearsalLearner {
        /** Batch size of the feature passes after a task. */
        private static final int FEATURE_BATCH = 256;
        private final Config config;
        private final ReplayAugmentation augmentation;
        private final ExemplarMemory exemplars;
        private final NearestMeanClassifier nme = new NearestMeanClassifier();
        private final ParameterStore oldParameters;
        private ClassifierNet old;
        private boolean[] oldClasses;
        private int trainSize;

        IcarlLearner(PluginContext context, Config config) {
            super(context, config.backbone(), "icarl");
            this.config = config;
            this.augmentation = ReplayAugmentation.parse("augmentation", config.augmentation());
            this.exemplars = new ExemplarMemory("fixed-total".equals(config.memoryConvention()), config.memorySize());
            this.oldParameters = new ParameterStore(context.manager(), false);
        }

        ExemplarMemory exemplars() {
            return exemplars;
        }

        NearestMeanClassifier classifier() {
            return nme;
        }

        @Override
        protected void onBeforeTask(TaskInfo task, TaskData data) {
            trainSize = task.trainSize();
            boolean[] seenSoFar = seenClasses();
            boolean any = false;
            for (boolean b : seenSoFar) {
                any |= b;
            }
            if (!any) {
                return;
            }
            if (old != null) {
                old.getParameters().forEach(p -> p.getValue().close());
            }
            old = snapshot();
            oldClasses = seenSoFar;
        }

        @Override
        public LossTerms loss(Batch batch, StepContext step) {
            long[] streamLabels = checkedLabels(batch.requireLabels());
            int b = batch.size();
            NDArray x = augmentation.apply(batch.input("image"), derive(step.seed(), 1));
            List<ReplayItem> memory = exemplars.all();
            int bm = config.replayBatchSize() > 0 ? config.replayBatchSize()
                    : (int) Math.round((double) b * memory.size() / Math.max(1, trainSize));
            bm = Math.min(bm, memory.size());
            NDArray input = x;
            long[] labels = streamLabels;
            if (bm > 0) {
                ReplayItems.Draw draw = ReplayItems.toBatch(pick(memory, bm, derive(step.seed(), 0)), step.manager(),
                        batch.task());
                NDArray xm = augmentation.apply(draw.batch().input("image"), derive(step.seed(), 2));
                input = NDArrays.concat(new NDList(x, xm));
                long[] replayLabels = draw.batch().requireLabels().toLongArray();
                labels = Arrays.copyOf(streamLabels, b + bm);
                System.arraycopy(replayLabels, 0, labels, b, bm);
            }
            NDList out = forward(input, true);
            NDArray logits = out.get(1);
            NDArray oldLogits = old == null ? null
                    : old.featuresAndLogits(oldParameters, input, false).get(1).stopGradient();
            LossTerms terms;
            NDArray perSample;
            if ("bce-sigmoid".equals(config.loss())) {
                NDArray targets = bceTargets(Owned.floats(step.manager(), oneHot(labels, b, batch.labelMix(),
                        scenario.classCount()), logits.getShape()), oldLogits, oldClasses);
                boolean[] units = config.bceOverSeenOnly() ? seenClasses() : null;
                NDArray perElement = bceWithLogits(logits, targets);
                NDArray unitMask = units == null ? null : Owned.floats(step.manager(), flags(units));
                if (unitMask != null) {
                    perElement = perElement.mul(unitMask);
                }
                float unitCount = units == null ? scenario.classCount() : count(units);
                NDArray perRow = Scalars.div(perElement.sum(new int[] {1}), unitCount);
                perSample = rows(perRow, 0, b);
                terms = LossTerms.of("icarl-bce", perRow.mean());
            } else {
                NDArray seenLogits = masked(logits, seenClasses());
                NDArray streamCe = crossEntropy(rows(seenLogits, 0, b), batch.requireLabels(), batch.labelMix());
                NDArray sum = streamCe.sum();
                if (bm > 0) {
                    NDArray replayLabels = Owned.longs(step.manager(), Arrays.copyOfRange(labels, b, b + bm));
                    sum = sum.add(crossEntropy(rows(seenLogits, b, b + bm), replayLabels, Optional.empty()).sum());
                }
                perSample = streamCe;
                terms = LossTerms.of("ce", Scalars.div(sum, (float) (b + bm)));
                if (oldLogits != null) {
                    terms = terms.and("icarl-kd", softmaxKd(logits, oldLogits, oldClasses,
                            (float) config.temperature()));
                }
            }
            return terms.withOutput("features", rows(out.get(0), 0, b)).withOutput("logits", rows(logits, 0, b))
                    .withPerSampleLoss(perSample);
        }

        /** {@code k} distinct exemplars drawn uniformly (partial Fisher–Yates). */
        private static List<ReplayItem> pick(List<ReplayItem> all, int k, long seed) {
            int[] perm = new int[all.size()];
            for (int i = 0; i < perm.length; i++) {
                perm[i] = i;
            }
            SplittableRandom r = new SplittableRandom(seed);
            List<ReplayItem> out = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                int j = i + r.nextInt(perm.length - i);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
                out.add(all.get(perm[i]));
            }
            return out;
        }

        /**
         * One-hot targets; the first {@code mixedRows} rows follow the batch's label mix when there is one.
         */
        private static float[] oneHot(long[] labels, int mixedRows, Optional<LabelMix> mix, int classes) {
            float[] t = new float[labels.length * classes];
            long[] second = mix.map(m -> m.secondLabels().toType(DataType.INT64, false).toLongArray()).orElse(null);
            float[] w = mix.map(m -> m.weights().toType(DataType.FLOAT32, false).toFloatArray()).orElse(null);
            for (int i = 0; i < labels.length; i++) {
                if (second != null && i < mixedRows) {
                    t[i * classes + (int) labels[i]] += w[i];
                    t[i * classes + (int) second[i]] += 1f - w[i];
                } else {
                    t[i * classes + (int) labels[i]] = 1f;
                }
            }
            return t;
        }

        /**
         * iCaRL's targets (specs/replay.md §3.1): {@code σ(f_old(x)_c)} for old classes c, the one-hot label
         * elsewhere (0 for future classes).
         *
         * @param oneHot (n, C) label targets
         * @param oldLogits (n, C) old network logits, or null in the first task
         * @param oldClasses which classes are old
         * @return (n, C) targets
         */
        static NDArray bceTargets(NDArray oneHot, NDArray oldLogits, boolean[] oldClasses) {
            if (oldLogits == null) {
                return oneHot;
            }
            NDArray old = Owned.floats(oneHot.getManager(), flags(oldClasses));
            NDArray keep = old.neg().add(1f);
            return oneHot.mul(keep).add(ai.djl.nn.Activation.sigmoid(oldLogits).mul(old));
        }

        /**
         * Element-wise binary cross-entropy of {@code σ(z)} against targets, in the stable form
         * {@code max(z, 0) − z·t + log(1 + exp(−|z|))}.
         *
         * @param logits (n, C)
         * @param targets (n, C) in [0, 1]
         * @return (n, C) losses
         */
        static NDArray bceWithLogits(NDArray logits, NDArray targets) {
            NDArray softplus = Scalars.add(logits.abs().neg().exp(), 1f).log();
            return Scalars.maximum(logits, 0f).sub(logits.mul(targets)).add(softplus);
        }

        /**
         * PyCIL's KD (specs/replay.md §3.2): {@code −(1/B) Σ_b Σ_{c old} softmax(z_old/T)_bc · log softmax(z/T)_bc},
         * both softmaxes over the old classes, no T² factor.
         *
         * @param logits (n, C) current logits
         * @param oldLogits (n, C) old logits
         * @param oldClasses the old classes
         * @param temperature T
         * @return the scalar
         */
        static NDArray softmaxKd(NDArray logits, NDArray oldLogits, boolean[] oldClasses, float temperature) {
            NDArray target = Scalars.div(masked(oldLogits, oldClasses), temperature).softmax(1);
            NDArray logp = Scalars.div(masked(logits, oldClasses), temperature).logSoftmax(1);
            // Masked columns have target 0; zero their huge negative log-probabilities so 0·(−1e9) stays exact.
            NDArray keep = Owned.floats(logits.getManager(), flags(oldClasses));
            return target.mul(logp.mul(keep)).sum(new int[] {1}).neg().mean();
        }

        private static float[] flags(boolean[] b) {
            float[] f = new float[b.length];
            for (int i = 0; i < b.length; i++) {
                f[i] = b[i] ? 1f : 0f;
            }
            return f;
        }

        private static int count(boolean[] b) {
            int n = 0;
            for (boolean x : b) {
                n += x ? 1 : 0;
            }
            return n;
        }

        @Override
        public void afterTask(TaskInfo task, TaskData data) {
            int m = exemplars.perClass(count(seenClasses()));
            exemplars.reduceTo(m);
            Map<Integer, List<float[]>> features = new HashMap<>();
            Map<Integer, List<Integer>> positions = new HashMap<>();
            for (int c : task.classes()) {
                features.put(c, new ArrayList<>());
                positions.put(c, new ArrayList<>());
            }
            int[] at = {0};
            data.forEachBatch(FEATURE_BATCH, (batch, ctx) -> {
                float[][] f = features(batch.input("image"));
                long[] y = batch.requireLabels().toType(DataType.INT64, false).toLongArray();
                for (int i = 0; i < f.length; i++) {
                    List<float[]> list = features.get((int) y[i]);
                    if (list != null) {
                        list.add(Herding.normalised(f[i]));
                        positions.get((int) y[i]).add(at[0] + i);
                    }
                }
                at[0] += f.length;
            });
            Map<Integer, int[]> rankAt = new HashMap<>();
            Map<Integer, ReplayItem[]> chosen = new LinkedHashMap<>();
            for (int c : task.classes()) {
                int[] order = Herding.select(features.get(c).toArray(new float[0][]), m);
                chosen.put(c, new ReplayItem[order.length]);
                for (int r = 0; r < order.length; r++) {
                    rankAt.put(positions.get(c).get(order[r]), new int[] {c, r});
                }
            }
            at[0] = 0;
            data.forEachBatch(FEATURE_BATCH, (batch, ctx) -> {
                int start = at[0];
                at[0] += batch.size();
                boolean any = false;
                for (int i = start; i < at[0] && !any; i++) {
                    any = rankAt.containsKey(i);
                }
                if (!any) {
                    return;
                }
                List<ReplayItem> items = ReplayItems.fromBatch(batch, List.of("image"), Optional.empty());
                for (int i = 0; i < items.size(); i++) {
                    int[] cr = rankAt.get(start + i);
                    if (cr != null) {
                        chosen.get(cr[0])[cr[1]] = items.get(i);
                    }
                }
            });
            chosen.forEach((c, items) -> exemplars.put(c, Arrays.asList(items)));
            updateMeans();
        }

        /**
         * Class means of the exemplars with the current network (specs/replay.md §3.4), with their horizontal flips
         * under {@code meanOfFlips}.
         */
        void updateMeans() {
            nme.clear();
            for (int c : exemplars.classes()) {
                List<ReplayItem> items = exemplars.of(c);
                if (items.isEmpty()) {
                    continue;
                }
                List<float[]> f = new ArrayList<>();
                List<float[]> flipped = new ArrayList<>();
                for (int from = 0; from < items.size(); from += FEATURE_BATCH) {
                    List<ReplayItem> chunk = items.subList(from, Math.min(items.size(), from + FEATURE_BATCH));
                    try (NDScope scope = new NDScope(); NDManager m = context.manager().newSubManager()) {
                        NDArray images = ReplayItems.toBatch(chunk, m, 0).batch().input("image");
                        f.addAll(Arrays.asList(features(images)));
                        if (config.meanOfFlips()) {
                            flipped.addAll(Arrays.asList(features(horizontalFlip(images))));
                        }
                    }
                }
                if (config.meanOfFlips()) {
                    nme.fit(c, f.toArray(new float[0][]), flipped.toArray(new float[0][]));
                } else {
                    nme.fit(c, f.toArray(new float[0][]));
                }
            }
        }

        /** Mirrors B×C×H×W images left to right (torchvision's {@code hflip}: the last axis reversed). */
        static NDArray horizontalFlip(NDArray images) {
            if (images.getShape().dimension() != 4) {
                throw new IllegalArgumentException("icarl: meanOfFlips needs images of shape B×C×H×W, got "
                        + images.getShape());
            }
            return images.flip(3);
        }

        /** Raw features of a batch in evaluation mode, on the host. */
        float[][] features(NDArray images) {
            NDArray f = forward(images, false).get(0);
            int n = (int) f.getShape().get(0);
            int d = (int) f.getShape().get(1);
            float[] flat = f.toType(DataType.FLOAT32, false).toFloatArray();
            float[][] out = new float[n][];
            for (int i = 0; i < n; i++) {
                out[i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
            }
            return out;
        }

        @Override
        public Predictions predict(Batch batch, StepContext step) {
            if ("linear".equals(config.classifier()) || nme.isEmpty()) {
                return super.predict(batch, step);
            }
            return Predictions.ofScores(nme.scores(features(batch.input("image")), scenario.classCount()));
        }

        @Override
        protected void saveExtra(Map<String, Object> values, Map<String, NDArray> tensors, NDManager manager) {
            values.put("trainSize", trainSize);
            exemplars.write("exemplars/", values, tensors, manager);
            Map<Integer, float[]> means = nme.means();
            values.put("nme/classes", new ArrayList<>(means.keySet()));
            if (!means.isEmpty()) {
                int d = means.values().iterator().next().length;
                float[] flat = new float[means.size() * d];
                int i = 0;
                for (float[] mu : means.values()) {
                    System.arraycopy(mu, 0, flat, i++ * d, d);
                }
                tensors.put("nme/means", Owned.floats(manager, flat, new Shape(means.size(), d)));
            }
            if (old != null) {
                values.put("oldClasses", PluginState.classes(oldClasses));
                old.getParameters().forEach(p -> tensors.put("old/" + p.getKey(), p.getValue().getArray()));
            }
        }

        @Override
        protected void loadExtra(PluginState state) {
            trainSize = state.number("trainSize").intValue();
            exemplars.read("exemplars/", state);
            nme.clear();
            List<?> classes = (List<?>) state.values().get("nme/classes");
            if (classes != null && !classes.isEmpty()) {
                NDArray means = state.tensor("nme/means");
                int d = (int) means.getShape().get(1);
                float[] flat = means.toType(DataType.FLOAT32, false).toFloatArray();
                for (int i = 0; i < classes.size(); i++) {
                    nme.put(((Number) classes.get(i)).intValue(), Arrays.copyOfRange(flat, i * d, (i + 1) * d));
                }
            }
            if (old != null) {
                old.getParameters().forEach(p -> p.getValue().close());
                old = null;
            }
            if (state.values().containsKey("oldClasses")) {
                oldClasses = state.classMask("oldClasses", scenario.classCount());
                old = snapshot();
                old.getParameters().forEach(p -> state.tensor("old/" + p.getKey()).copyTo(p.getValue().getArray()));
            }
        }
    }
}
