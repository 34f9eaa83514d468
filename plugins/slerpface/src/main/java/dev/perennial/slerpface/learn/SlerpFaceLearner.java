package dev.perennial.slerpface.learn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.perennial.models.nn.Scalars;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskData;
import dev.perennial.spi.TaskInfo;

/**
 * {@code slerpface-grouping}: trains the recogniser and its group-weight head in the shared loop, and
 * extracts the templates SlerpFace protects ({@link #extract}).
 *
 * <p>The reference releases no training code (spec §1.2, §5.10); its objective is UNVERIFIED. This learner
 * implements the spec's most likely reading, with two named loss terms the experiment may weight:
 * <ul>
 *   <li>{@value #ARCFACE}: ArcFace (Deng et al., CVPR 2019) on the flattened, L2-normalised group template
 *       {@code ê = T/‖T‖} (m·d values) against normalised class weights: logits
 *       {@code s·cos θ_j}, with {@code s·cos(θ_y + m)} for the true class (and {@code s·(cos θ_y − m·sin m)}
 *       past {@code θ_y > π − m}, the usual monotonic fallback). Choice: the reference's separate 512-d
 *       embedding is not built, so the margin acts directly on what is protected;</li>
 *   <li>{@value #XCOS}: the xCos-style regression (REL, {@code ntubiolin/xcos}) that trains the weights to be
 *       recognition-favoured: for every pair (a, b) in the batch,
 *       {@code (Σ_i w^a_i · cos(t^a_i, t^b_i) − stopgrad(cos(ê^a, ê^b)))²}, averaged. The matching rule scores
 *       with the gallery's weights the same way (§1.7), so weights that make this sum track the whole-template
 *       cosine favour the groups that carry identity, which then rotate less (α_i = α − w_i) and lose fewer
 *       dimensions (median split).</li>
 * </ul>
 * Not implemented: a loss through the protection itself (slerp toward random keys with dropout during
 * training); the spec does not say the paper does it.
 *
 * <p>Training uses {@code Gc(x)}; {@link #extract} uses the flip-sum {@code T = Gc(x) + Gc(flip(x))} of
 * {@code modules/model.py}. Every array of a step lives in the batch's manager.
 */
public final class SlerpFaceLearner implements Learner {

    /** The ArcFace term's name. */
    public static final String ARCFACE = "arcface";
    /** The group-weight regression term's name. */
    public static final String XCOS = "xcos";

    private static final String INPUT = "image";

    private final SlerpFaceLearnerConfig config;
    private final GroupTemplateNet net;
    private final ParameterStore parameters;
    private final Shape imageShape;

    /**
     * Builds and initializes the network.
     *
     * @param config the configuration
     * @param imageShape one image, {@code (C, H, W)} with H = W
     * @param classes identities
     * @param manager the plugin-lifetime manager
     */
    SlerpFaceLearner(SlerpFaceLearnerConfig config, long[] imageShape, int classes, NDManager manager) {
        if (imageShape.length != 3 || imageShape[1] != imageShape[2] || imageShape[1] < 8 || imageShape[0] < 1) {
            throw new IllegalArgumentException("slerpface-grouping: needs square images (C, H, H) with H >= 8, got "
                    + java.util.Arrays.toString(imageShape));
        }
        if (classes < 2) {
            throw new IllegalArgumentException("slerpface-grouping: needs at least 2 identities, got " + classes);
        }
        this.config = config;
        this.imageShape = new Shape(imageShape);
        this.net = new GroupTemplateNet(config, (int) imageShape[0], (int) imageShape[1], classes);
        net.initialize(manager, DataType.FLOAT32, new Shape(1, imageShape[0], imageShape[1], imageShape[2]));
        this.parameters = new ParameterStore(manager, false);
    }

    /**
     * The network.
     *
     * @return the network
     */
    public GroupTemplateNet net() {
        return net;
    }

    @Override
    public void beforeTask(TaskInfo task, TaskData data) {
        for (int c : task.classes()) {
            if (c < 0 || c >= net.classes()) {
                throw new IllegalArgumentException("slerpface-grouping: task '" + task.name() + "' has identity " + c
                        + " but the ArcFace head has " + net.classes() + " (0.." + (net.classes() - 1) + ")");
            }
        }
    }

    @Override
    public Block model() {
        return net;
    }

    @Override
    public LossTerms loss(Batch batch, StepContext step) {
        NDArray images = checkedImages(batch);
        NDArray labels = checkedLabels(batch);
        NDArray map = net.groupMap(parameters, images, true);
        NDArray groups = GroupTemplateNet.groupsOf(map);
        NDArray weights = net.groupWeights(parameters, map, true);
        long n = groups.getShape().get(0);
        NDArray embedding = groups.reshape(n, -1).normalize(2, 1, 1e-12);

        NDArray cosine = cosines(embedding, true);
        NDArray logits = arcFaceLogits(cosine, labels);
        NDArray oneHot = labels.oneHot(net.classes());
        NDArray perSample = logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg();

        // xCos-style regression: Σ_i w^a_i cos(t^a_i, t^b_i) ≈ cos(ê^a, ê^b) for all pairs (a, b)
        NDArray unitGroups = groups.normalize(2, 2, 1e-12);                       // (N, m, d)
        NDArray byGroup = unitGroups.transpose(1, 0, 2);                          // (m, N, d)
        NDArray groupCos = byGroup.batchMatMul(byGroup.transpose(0, 2, 1));       // (m, N, N)
        NDArray weighted = groupCos.transpose(1, 2, 0).mul(weights.expandDims(1)).sum(new int[] {2}); // (N, N)
        NDArray target = embedding.matMul(embedding.transpose()).stopGradient();
        NDArray xcos = weighted.sub(target).square().mean();

        return LossTerms.of(ARCFACE, perSample.mean())
                .and(XCOS, xcos)
                .withOutput("logits", logits)
                .withOutput("features", embedding)
                .withPerSampleLoss(perSample);
    }

    /** {@code cos θ_j = ê·Ŵ_j}, clipped inside (−1, 1) so that the margin's square root stays finite. */
    private NDArray cosines(NDArray embedding, boolean training) {
        NDArray w = parameters.getValue(net.arcFaceWeight(), embedding.getDevice(), training).normalize(2, 1, 1e-12);
        return embedding.matMul(w.transpose()).clip(-1 + 1e-6f, 1 - 1e-6f);
    }

    /** ArcFace: {@code s·cos(θ_y + m)} for the label, {@code s·cos θ_j} otherwise. */
    private NDArray arcFaceLogits(NDArray cosine, NDArray labels) {
        float m = (float) config.arcFaceMargin();
        float s = (float) config.arcFaceScale();
        NDArray sine = Scalars.add(cosine.square().neg(), 1f).clip(0f, 1f).sqrt();
        NDArray withMargin = Scalars.mul(cosine, (float) Math.cos(m)).sub(Scalars.mul(sine, (float) Math.sin(m)));
        NDArray fallback = Scalars.sub(cosine, (float) (Math.sin(Math.PI - m) * m));
        NDArray past = cosine.gt((float) Math.cos(Math.PI - m));
        NDArray target = NDArrays.where(past, withMargin, fallback);
        NDArray oneHot = labels.oneHot(net.classes());
        return Scalars.mul(cosine.add(target.sub(cosine).mul(oneHot)), s);
    }

    /** Identities by the nearest ArcFace class direction, with the cosines as scores. */
    @Override
    public Predictions predict(Batch batch, StepContext step) {
        NDArray images = checkedImages(batch);
        if (config.predictTemplates()) {
            return Predictions.ofScores(extract(images));
        }
        NDArray groups = GroupTemplateNet.groupsOf(net.groupMap(parameters, images, false));
        NDArray embedding = groups.reshape(groups.getShape().get(0), -1).normalize(2, 1, 1e-12);
        return Predictions.ofScores(cosines(embedding, false));
    }

    /**
     * The templates of a batch of images in the protector's flat layout: {@code m·d} group features
     * (position-major) followed by the {@code m} group weights, with the flip-sum
     * {@code T = Gc(x) + Gc(flip(x))} (spec §1.2). Runs in inference mode in a sub-manager of the images'.
     *
     * @param images {@code (N, C, H, W)} float32
     * @return N templates of {@code m·(d + 1)} values
     */
    public float[][] extract(NDArray images) {
        checkImageShape(images);
        try (NDManager scope = images.getManager().newSubManager()) {
            NDArray x = images.duplicate();
            x.attach(scope);
            NDArray map = net.groupMap(parameters, x, false);
            NDArray flipped = net.groupMap(parameters, x.flip(3), false);
            if (config.flipMirrorBack()) {
                flipped = flipped.flip(3);
            }
            NDArray template = map.add(flipped);
            float[] groups = GroupTemplateNet.groupsOf(template).toFloatArray();
            float[] weights = net.groupWeights(parameters, template, false).toFloatArray();
            int n = (int) images.getShape().get(0);
            int features = net.groups() * net.groupSize();
            float[][] out = new float[n][features + net.groups()];
            for (int i = 0; i < n; i++) {
                System.arraycopy(groups, i * features, out[i], 0, features);
                System.arraycopy(weights, i * net.groups(), out[i], features, net.groups());
            }
            return out;
        }
    }

    private NDArray checkedImages(Batch batch) {
        NDArray images = batch.input(INPUT);
        checkImageShape(images);
        return images;
    }

    private void checkImageShape(NDArray images) {
        if (images.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("slerpface-grouping: input 'image' must be float32, is "
                    + images.getDataType());
        }
        Shape s = images.getShape();
        if (s.dimension() != 4 || !s.slice(1).equals(imageShape)) {
            throw new IllegalArgumentException("slerpface-grouping: input 'image' has shape " + s + "; expected (N, "
                    + imageShape.get(0) + ", " + imageShape.get(1) + ", " + imageShape.get(2)
                    + ") as the learner was sized");
        }
    }

    private NDArray checkedLabels(Batch batch) {
        NDArray labels = batch.requireLabels();
        if (!labels.getDataType().isInteger()) {
            throw new IllegalArgumentException("slerpface-grouping: labels must be integer identities, are "
                    + labels.getDataType());
        }
        NDArray ids = labels.toType(DataType.INT64, false);
        long min = ids.min().getLong();
        long max = ids.max().getLong();
        if (min < 0 || max >= net.classes()) {
            throw new IllegalArgumentException("slerpface-grouping: labels range over [" + min + ", " + max
                    + "] but the ArcFace head has " + net.classes() + " identities");
        }
        return ids;
    }
}
