package dev.perennial.slerpface.id3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.perennial.models.nn.Owned;
import dev.perennial.models.nn.Scalars;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskData;
import dev.perennial.spi.TaskInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * {@code id3}: trains ID³'s identity-conditioned denoiser (spec deepfake.md Part E) in the shared loop with the
 * ID-preserving loss, three named terms the loop sums: {@value #DENOISE} ‖ε − ε_θ‖², {@value #RECONSTRUCTION}
 * λ₁‖x₀ − x̂₀‖² and {@value #IDENTITY} λ₂κ(1 − ⟨y, f̄(x̂₀)⟩) ({@link IdPreservingLoss}). The condition of a face
 * x₀ ∈ [0, 1] (mapped to [−1, 1]) is its identity embedding y = f̄(x₀) from the frozen recogniser and, with
 * {@code useAttributes}, the {@code attributes} input (the generator's pose, illumination and expression
 * parameters, standing in for the paper's attribute predictors, spec E.8). Each sample's condition is dropped to
 * zero with probability {@code conditionDropout} (classifier-free guidance).
 *
 * <p>Every random draw of a step (timesteps, noise, dropout) comes from a stream seeded by the plugin seed and the
 * global step, so a resumed run draws what the uninterrupted run drew. The recogniser is not part of
 * {@link #model()}: checkpoints and the exported denoiser file ({@code exportFile}, written after every task) hold
 * no recogniser tensor; the denoiser file is what {@code id3-synthetic} samples from.
 *
 * <p>Evaluation (what {@link #predict} scores): each test face is noised to t = T/2 with a noise fixed by its
 * sample id, reconstructed in one step with its own condition, and assigned to the class whose mean training
 * embedding (computed after each task) is nearest to f̄(x̂₀) by cosine: accuracy is how often the denoiser keeps
 * the identity of a half-noised face.
 */
public final class Id3Learner implements Learner {

    /** The denoising term's name. */
    public static final String DENOISE = "id3-denoise";
    /** The reconstruction term's name. */
    public static final String RECONSTRUCTION = "id3-reconstruction";
    /** The identity term's name. */
    public static final String IDENTITY = "id3-identity";

    private static final String IMAGE = "image";
    private static final String ATTRIBUTES = "attributes";
    private static final int STATE_SCHEMA = 1;

    private final Id3LearnerConfig config;
    private final IdentityConditionedDenoiser denoiser;
    private final IdentityEmbedder embedder;
    private final IdPreservingLoss loss;
    private final Shape imageShape;
    private final int classes;
    private final long seed;
    private final Path exportPath;
    private float[][] prototypes;
    private long stepsTrained;

    Id3Learner(Id3LearnerConfig config, long[] imageShape, int attributeDim, int classes, IdentityEmbedder embedder,
            NDManager manager, long seed, Path exportPath) {
        if (imageShape.length != 3 || imageShape[0] != 3 || imageShape[1] != imageShape[2]) {
            throw new IllegalArgumentException("id3: needs square RGB images (3, S, S), got "
                    + Arrays.toString(imageShape));
        }
        this.config = config;
        this.imageShape = new Shape(imageShape);
        this.classes = classes;
        this.embedder = embedder;
        this.seed = seed;
        this.exportPath = exportPath;
        this.loss = config.loss();
        DenoiserConfig shape = new DenoiserConfig((int) imageShape[1], config.blockOutChannels(), config.heads(),
                config.crossAttentionDim(), config.identityTokens(), embedder.dimension(),
                config.useAttributes() ? attributeDim : 0, config.trainSteps(), config.betaStart(), config.betaEnd());
        this.denoiser = IdentityConditionedDenoiser.create(shape, manager);
    }

    /** @return the denoiser being trained */
    public IdentityConditionedDenoiser denoiser() {
        return denoiser;
    }

    @Override
    public void beforeTask(TaskInfo task, TaskData data) {
        for (int c : task.classes()) {
            if (c < 0 || c >= classes) {
                throw new IllegalArgumentException("id3: task '" + task.name() + "' has class " + c + " outside 0.."
                        + (classes - 1));
            }
        }
    }

    @Override
    public Block model() {
        return denoiser;
    }

    @Override
    public LossTerms loss(Batch batch, StepContext step) {
        NDArray images = checkedImages(batch);
        NDManager m = images.getManager();
        int b = (int) images.getShape().get(0);
        NDArray x0 = Scalars.sub(Scalars.mul(images, 2f), 1f);
        NDArray identity = embedder.embed(x0).stopGradient();
        NDArray attributes = attributes(batch, b);
        Random random = new Random(seed * 0x9E3779B97F4A7C15L + step.globalStep() * 0xBF58476D1CE4E5B9L + 11);
        int[] t = new int[b];
        float[] kept = new float[b];
        for (int i = 0; i < b; i++) {
            t[i] = random.nextInt(config.trainSteps());
            kept[i] = random.nextDouble() < config.conditionDropout() ? 0f : 1f;
        }
        float[] noise = new float[(int) images.getShape().size()];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) random.nextGaussian();
        }
        NDArray keptArray = Owned.floats(m, kept);
        NDArray keepRows = keptArray.reshape(b, 1);
        NDArray condition = identity.mul(keepRows);
        NDArray shownAttributes = attributes == null ? null : attributes.mul(keepRows);
        IdPreservingLoss.Terms terms = loss.compute(denoiser, embedder, x0, identity, condition, shownAttributes,
                keptArray, t, Owned.floats(m, noise, images.getShape()));
        return LossTerms.of(DENOISE, terms.denoising()).and(RECONSTRUCTION, terms.reconstruction())
                .and(IDENTITY, terms.identity());
    }

    @Override
    public void afterStep(StepContext step) {
        stepsTrained = step.globalStep() + 1;
    }

    /** Class prototypes (mean f̄ of the training faces, normalised) for {@link #predict}; then the export. */
    @Override
    public void afterTask(TaskInfo task, TaskData data) {
        int d = embedder.dimension();
        float[][] sums = prototypes == null ? new float[classes][d] : prototypes;
        float[][] fresh = new float[classes][d];
        boolean[] seen = new boolean[classes];
        data.forEachBatch(64, (batch, step) -> {
            NDArray images = checkedImages(batch);
            float[] e = embedder.embed(Scalars.sub(Scalars.mul(images, 2f), 1f)).toFloatArray();
            long[] labels = batch.requireLabels().toType(DataType.INT64, false).toLongArray();
            for (int i = 0; i < labels.length; i++) {
                int c = (int) labels[i];
                seen[c] = true;
                for (int j = 0; j < d; j++) {
                    fresh[c][j] += e[i * d + j];
                }
            }
        });
        for (int c = 0; c < classes; c++) {
            if (seen[c]) {
                double norm = 0;
                for (float v : fresh[c]) {
                    norm += v * v;
                }
                for (int j = 0; j < d; j++) {
                    sums[c][j] = (float) (fresh[c][j] / Math.max(Math.sqrt(norm), 1e-12));
                }
            }
        }
        prototypes = sums;
        try {
            denoiser.save(exportPath, stepsTrained, Map.of("id3.recogniser", config.recogniser(),
                    "id3.recogniserLayers", String.join(",", config.recogniserLayers().stream().map(String::valueOf)
                            .toList()), "id3.recogniserWidth", Integer.toString(config.recogniserWidth()),
                    "id3.recogniserCifarStem", Boolean.toString(config.recogniserCifarStem()),
                    "id3.recogniserGroupSize", Integer.toString(config.recogniserGroupSize())));
        } catch (IOException e) {
            throw new UncheckedIOException("id3: cannot write the denoiser file " + exportPath, e);
        }
    }

    @Override
    public Predictions predict(Batch batch, StepContext step) {
        NDArray images = checkedImages(batch);
        NDManager m = images.getManager();
        int b = (int) images.getShape().get(0);
        if (prototypes == null) {
            throw new IllegalStateException("id3: predict before the first task ended (no class prototypes)");
        }
        NDArray x0 = Scalars.sub(Scalars.mul(images, 2f), 1f);
        NDArray identity = embedder.embed(x0);
        NDArray attributes = attributes(batch, b);
        int[] t = new int[b];
        Arrays.fill(t, config.trainSteps() / 2);
        long[] ids = batch.sampleIds();
        int per = (int) (images.getShape().size() / b);
        float[] noise = new float[b * per];
        for (int i = 0; i < b; i++) {
            Random r = new Random(seed * 31 + ids[i]);
            for (int j = 0; j < per; j++) {
                noise[i * per + j] = (float) r.nextGaussian();
            }
        }
        NDArray xt = denoiser.schedule().addNoise(x0, Owned.floats(m, noise, images.getShape()), t);
        NDArray eps = denoiser.epsilon(xt, t, identity, attributes, false);
        NDArray x0Hat = IdPreservingLoss.reconstruct(xt, eps, denoiser.schedule(), t).clip(-1f, 1f);
        int d = embedder.dimension();
        float[] flat = new float[classes * d];
        for (int c = 0; c < classes; c++) {
            System.arraycopy(prototypes[c], 0, flat, c * d, d);
        }
        return Predictions.ofScores(
                embedder.embed(x0Hat).matMul(Owned.floats(m, flat, new Shape(classes, d)).transpose()));
    }

    @Override
    public PluginState saveState(StepContext step) {
        Map<String, Object> values = Map.of("stepsTrained", stepsTrained);
        if (prototypes == null) {
            return new PluginState(STATE_SCHEMA, Map.of(), values);
        }
        int d = embedder.dimension();
        float[] flat = new float[classes * d];
        for (int c = 0; c < classes; c++) {
            System.arraycopy(prototypes[c], 0, flat, c * d, d);
        }
        return new PluginState(STATE_SCHEMA, Map.of("prototypes", Owned.floats(step.manager(), flat,
                new Shape(classes, d))), values);
    }

    @Override
    public void loadState(PluginState state) {
        state.requireSchema("id3", STATE_SCHEMA);
        stepsTrained = state.number("stepsTrained").longValue();
        if (state.tensors().containsKey("prototypes")) {
            float[] flat = state.tensor("prototypes").toFloatArray();
            int d = embedder.dimension();
            if (flat.length != classes * d) {
                throw new IllegalArgumentException("id3: saved prototypes hold " + flat.length + " values; expected "
                        + classes + " x " + d);
            }
            prototypes = new float[classes][d];
            for (int c = 0; c < classes; c++) {
                System.arraycopy(flat, c * d, prototypes[c], 0, d);
            }
        }
    }

    private NDArray attributes(Batch batch, int b) {
        if (!config.useAttributes()) {
            return null;
        }
        if (!batch.hasInput(ATTRIBUTES)) {
            throw new IllegalArgumentException("id3: useAttributes is true but the batch has no 'attributes' input "
                    + "(use the generated-faces-attributed data set, or set useAttributes false)");
        }
        NDArray a = batch.input(ATTRIBUTES);
        if (a.getShape().dimension() != 2 || a.getShape().get(0) != b
                || a.getShape().get(1) != denoiser.config().attributeDim()) {
            throw new IllegalArgumentException("id3: input 'attributes' has shape " + a.getShape() + "; expected ("
                    + b + ", " + denoiser.config().attributeDim() + ")");
        }
        return a.toType(DataType.FLOAT32, false);
    }

    private NDArray checkedImages(Batch batch) {
        NDArray images = batch.input(IMAGE);
        Shape s = images.getShape();
        if (images.getDataType() != DataType.FLOAT32 || s.dimension() != 4 || !s.slice(1).equals(imageShape)) {
            throw new IllegalArgumentException("id3: input 'image' is " + images.getDataType() + " " + s
                    + "; expected float32 (N, " + imageShape.get(0) + ", " + imageShape.get(1) + ", "
                    + imageShape.get(2) + ")");
        }
        return images;
    }
}
