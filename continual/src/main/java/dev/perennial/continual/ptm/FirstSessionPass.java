package dev.perennial.continual.ptm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.perennial.models.nn.Owned;
import dev.perennial.models.vit.VisionTransformer;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import java.util.List;

/**
 * One pass of the frozen PTM over (a part of) the first task's training data, accumulating
 * {@link FirstSessionStatistics}: the PTM the learner builds ({@code backbone.vitConfig(false)} and its checkpoint),
 * its pooled features, then {@link ClassPrototypes#add} (simplecil) or the random projection
 * {@link RandomProjection#project} and {@link RidgeHead#accumulate} in float64 into a fitting and a scoring head by
 * the learner's λ split of the row index (ranpac). For the learners that adapt the backbone in the first session,
 * the adapted model of that session ({@link FirstSessionModel}) is loaded into a PET copy of the PTM: {@code aper}
 * sums the concatenated PTM and adapted features per class, {@code safe} passes the adapted (slow) features through
 * the slow and the fast head's projections and splits. A process (a Spark partition) adds the rows it has, in any order;
 * {@link FirstSessionStatistics#merge} adds the parts.
 */
public final class FirstSessionPass implements AutoCloseable {
    private final FirstSessionStatistics.Header header;
    private final NDManager manager;
    private final VisionTransformer ptm;
    private final VisionTransformer adapted;
    private final RandomProjection fastProjection;
    private final RidgeHead fastFit;
    private final RidgeHead fastScore;
    private final boolean[] fastFitRows;
    private final long[] fastScoreCounts;
    private final ParameterStore store;
    private final ClassPrototypes prototypes;
    private final RandomProjection projection;
    private final RidgeHead fit;
    private final RidgeHead score;
    private final boolean[] fitRows;
    private final long[] counts;
    private final long[] scoreCounts;

    /**
     * Loads the PTM.
     *
     * @param header what is computed (method, classes, widths, seeds, rows)
     * @param backbone the learner's backbone (its checkpoint must hash to the header's)
     * @param parent the manager the pass's arrays live under (a sub-manager is made and closed)
     */
    public FirstSessionPass(FirstSessionStatistics.Header header, PtmBackboneConfig backbone, NDManager parent) {
        this(header, backbone, null, parent);
    }

    /**
     * Loads the PTM and, for aper and safe, the first session's adapted model.
     *
     * @param header what is computed (method, classes, widths, seeds, rows, adapted model's hash)
     * @param backbone the learner's backbone (its checkpoint must hash to the header's)
     * @param model the first session's adapted model (aper, safe; its hash must be the header's), or null
     * @param parent the manager the pass's arrays live under (a sub-manager is made and closed)
     */
    public FirstSessionPass(FirstSessionStatistics.Header header, PtmBackboneConfig backbone, FirstSessionModel model,
                            NDManager parent) {
        boolean adapts = FirstSessionModel.METHODS.contains(header.method());
        if (adapts != (model != null)) {
            throw new IllegalArgumentException("first-session pass: " + header.method() + (adapts
                    ? " needs its first session's adapted model (feature-stats --adapted FILE)"
                    : " has no adapted model"));
        }
        if (model != null && !model.adaptedSha256().equals(header.adaptedSha256())) {
            throw new IllegalArgumentException("first-session pass: the adapted model " + model.file() + " hashes to "
                    + model.adaptedSha256() + ", the header's adaptedSha256 is " + header.adaptedSha256());
        }
        int width = header.method().equals("aper") ? 2 * backbone.embedDim() : backbone.embedDim();
        if (width != header.featureDim()) {
            throw new IllegalArgumentException("first-session pass: backbone.embedDim " + backbone.embedDim()
                    + " differs from the header's featureDim " + header.featureDim());
        }
        this.header = header;
        this.counts = new long[header.classCount()];
        this.scoreCounts = new long[header.classCount()];
        this.fastScoreCounts = new long[header.classCount()];
        this.manager = parent.newSubManager();
        try {
            this.ptm = new VisionTransformer(backbone.vitConfig(false));
            ptm.initialize(manager, DataType.FLOAT32, new Shape(1, 3, backbone.imageSize(), backbone.imageSize()));
            ptm.getParameters().values().forEach(p -> ai.djl.ndarray.NDScope.unregister(p.getArray()));
            backbone.loadPretrained(ptm, header.method());
            if (model != null) {
                this.adapted = new VisionTransformer(backbone.vitConfig(true));
                adapted.initialize(manager, DataType.FLOAT32, new Shape(1, 3, backbone.imageSize(),
                        backbone.imageSize()));
                adapted.getParameters().values().forEach(p -> ai.djl.ndarray.NDScope.unregister(p.getArray()));
                PtmBackboneConfig.copyShared(ptm, adapted);
                model.loadInto(adapted, null, manager);
            } else {
                this.adapted = null;
            }
            this.store = new ParameterStore(manager, false);
            if (header.twoHeads()) {
                int m = header.projectionWidth();
                this.fastProjection = header.fastProjectionSeed() == header.projectionSeed() ? null
                        : RandomProjection.sample(manager, header.featureDim(), m, header.fastProjectionSeed());
                this.fastFit = new RidgeHead(manager, m, header.classCount(), RidgeHead.Precision.FLOAT64);
                this.fastScore = new RidgeHead(manager, m, header.classCount(), RidgeHead.Precision.FLOAT64);
                this.fastFitRows = RidgeHead.splitMask(header.rows(), header.fastSplitSeed());
            } else {
                this.fastProjection = null;
                this.fastFit = null;
                this.fastScore = null;
                this.fastFitRows = null;
            }
            if (header.ridge()) {
                this.prototypes = null;
                this.projection = RandomProjection.sample(manager, header.featureDim(), header.projectionWidth(),
                        header.projectionSeed());
                this.fit = new RidgeHead(manager, header.projectionWidth(), header.classCount(),
                        RidgeHead.Precision.FLOAT64);
                this.score = new RidgeHead(manager, header.projectionWidth(), header.classCount(),
                        RidgeHead.Precision.FLOAT64);
                this.fitRows = RidgeHead.splitMask(header.rows(), header.splitSeed());
            } else {
                this.prototypes = new ClassPrototypes(header.classCount(), header.featureDim());
                this.projection = null;
                this.fit = null;
                this.score = null;
                this.fitRows = null;
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Adds examples.
     *
     * @param examples labelled examples with an {@code image} feature (C, H, W)
     * @param rows the row index of each in the first task's training data (its order in the learner's pass)
     */
    public void add(List<Example> examples, int[] rows) {
        if (examples.size() != rows.length) {
            throw new IllegalArgumentException("first-session pass: " + examples.size() + " examples, " + rows.length
                    + " row indices");
        }
        if (examples.isEmpty()) {
            return;
        }
        Feature.Floats first = image(examples.get(0));
        int size = first.values().length;
        float[] flat = new float[examples.size() * size];
        long[] labels = new long[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            Feature.Floats f = image(examples.get(i));
            if (f.values().length != size) {
                throw new IllegalArgumentException("first-session pass: example " + examples.get(i).id()
                        + " has another image size than example " + examples.get(0).id());
            }
            System.arraycopy(f.values(), 0, flat, i * size, size);
            labels[i] = examples.get(i).label().orElseThrow(() -> new IllegalArgumentException(
                    "first-session pass: example has no label"));
        }
        long[] shape = new long[first.shape().length + 1];
        shape[0] = examples.size();
        System.arraycopy(first.shape(), 0, shape, 1, first.shape().length);
        try (NDManager scope = manager.newSubManager()) {
            add(Owned.floats(scope, flat, new Shape(shape)), labels, rows);
        }
    }

    /**
     * Adds a batch of images.
     *
     * @param images (B, C, H, W)
     * @param labels (B) class ids
     * @param rows (B) row indices in the first task's pass
     */
    public void add(NDArray images, long[] labels, int[] rows) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = images;
            NDArray features = switch (header.method()) {
                case "aper" -> ptm.features(store, x, false).pooled()
                        .concat(adapted.features(store, x, false).pooled(), 1);
                case "safe" -> adapted.features(store, x, false).pooled();
                default -> ptm.features(store, x, false).pooled();
            };
            features = features.toType(DataType.FLOAT32, false);
            features.attach(scope);
            NDArray y = Owned.longs(scope, labels);
            if (prototypes != null) {
                prototypes.add(features, y);
                return;
            }
            // Each head sums only its own rows: the batch's features split by the learner's λ split, then projected.
            float[] f = features.toFloatArray();
            accumulate(projection, fit, score, fitRows, scoreCounts, scope, f, labels, rows);
            if (fastFit != null) {
                accumulate(fastProjection != null ? fastProjection : projection, fastFit, fastScore, fastFitRows,
                        fastScoreCounts, scope, f, labels, rows);
            }
            for (long label : labels) {
                counts[(int) label]++;
            }
        }
    }

    private void accumulate(RandomProjection w, RidgeHead fitHead, RidgeHead scoreHead, boolean[] split,
                            long[] scoring, NDManager scope, float[] f, long[] labels, int[] rows) {
        boolean[] fitting = new boolean[rows.length];
        int fitCount = 0;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= split.length) {
                throw new IllegalArgumentException("first-session pass: row " + rows[i] + " outside 0.."
                        + (split.length - 1));
            }
            fitting[i] = split[rows[i]];
            fitCount += fitting[i] ? 1 : 0;
            scoring[(int) labels[i]] += fitting[i] ? 0 : 1;
        }
        int d = header.featureDim();
        accumulate(w, fitHead, scope, f, labels, fitting, true, fitCount, d);
        accumulate(w, scoreHead, scope, f, labels, fitting, false, rows.length - fitCount, d);
    }

    private static void accumulate(RandomProjection projection, RidgeHead head, NDManager scope, float[] features,
                                   long[] labels, boolean[] fitting, boolean side, int count, int d) {
        if (count == 0) {
            return;
        }
        float[] part = new float[count * d];
        long[] partLabels = new long[count];
        int at = 0;
        for (int i = 0; i < labels.length; i++) {
            if (fitting[i] == side) {
                System.arraycopy(features, i * d, part, at * d, d);
                partLabels[at++] = labels[i];
            }
        }
        NDArray h = projection.project(Owned.floats(scope, part, new Shape(count, d)));
        h.attach(scope);
        head.accumulate(h, Owned.longs(scope, partLabels));
    }

    /** @return the statistics of the rows added so far */
    public FirstSessionStatistics statistics() {
        FirstSessionStatistics s = FirstSessionStatistics.empty(header);
        if (prototypes != null) {
            s.addPrototypes(prototypes);
        } else {
            s.addRidge(fit, score, counts, scoreCounts);
            if (fastFit != null) {
                s.addFastRidge(fastFit, fastScore, fastScoreCounts);
            }
        }
        return s;
    }

    private static Feature.Floats image(Example e) {
        if (!(e.features().get("image") instanceof Feature.Floats f)) {
            throw new IllegalArgumentException("first-session pass: example " + e.id() + " has no float 'image'"
                    + " feature");
        }
        return f;
    }

    @Override
    public void close() {
        manager.close();
    }
}
