package dev.perennial.slerpface.id3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.nn.Owned;
import dev.perennial.slerpface.faces.FaceRenderer;
import dev.perennial.slerpface.learn.SlerpFaceLearnerConfig;
import dev.perennial.slerpface.faces.IdentityMajorSplit;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * {@code id3-synthetic}: ID³'s dataset synthesis (spec deepfake.md E.2). N identity anchors y_k on the recogniser's
 * sphere with pairwise cosine ≤ {@code anchorMaxCosine} ({@link AnchorSampler}: inter-class diversity); per anchor,
 * M + test attribute vectors a_{k,m} drawn from the face generator's own nuisance distribution
 * ({@link FaceRenderer#attributes} of identities no data set uses: intra-class diversity); each image x_{k,m}
 * sampled from the denoiser file with the ID-preserving sampler ({@link IdGuidedSampler}). Class id = k. Every image
 * is generated when the data set is created (N·(M + test) images), deterministic under the seed.
 *
 * <p>An untrained denoiser file (0 training steps) is accepted; {@link #describe} then says so, and
 * {@link #trained} is false, so that a benchmark can flag its rows.
 */
public final class Id3Synthetic implements DatasetSource {

    /** Renderer identities from here up are used only as attribute draws (never rendered as faces). */
    private static final int ATTRIBUTE_IDENTITY_BASE = 1 << 28;

    private final Id3SyntheticConfig config;
    private final int size;
    private final long trainedSteps;
    private final float[][] images;
    private final float[][] anchors;
    private final List<String> classNames;

    private Id3Synthetic(Id3SyntheticConfig config, int size, long trainedSteps, float[][] images,
            float[][] anchors) {
        this.config = config;
        this.size = size;
        this.trainedSteps = trainedSteps;
        this.images = images;
        this.anchors = anchors;
        List<String> names = new ArrayList<>();
        for (int k = 0; k < config.identities(); k++) {
            names.add("synthetic-" + k);
        }
        this.classNames = Collections.unmodifiableList(names);
    }

    /**
     * Generates the data set.
     *
     * @param config the configuration
     * @param manager a manager for the models and the work (closed sub-managers free it)
     * @return the data set
     * @throws IOException when the denoiser or recogniser cannot be read
     * @throws IllegalArgumentException when the denoiser file is missing or the anchors do not fit
     */
    public static Id3Synthetic generate(Id3SyntheticConfig config, NDManager manager) throws IOException {
        if (config.denoiser() == null || config.denoiser().isBlank()) {
            throw new IllegalArgumentException("id3-synthetic: field 'denoiser' is required: the file an id3 run "
                    + "exported (id3-denoiser.safetensors in its plugin folder)");
        }
        Path file = Path.of(config.denoiser());
        String key = Files.isRegularFile(file) ? config + "|" + file.toAbsolutePath() + "|" + Files.size(file) + "|"
                + Files.getLastModifiedTime(file) : null;
        synchronized (Id3Synthetic.class) {
            if (key != null && key.equals(lastKey)) {
                return last;
            }
        }
        Id3Synthetic made = sample(config, manager);
        synchronized (Id3Synthetic.class) {
            lastKey = key;
            last = made;
        }
        return made;
    }

    /*
     * The last set generated in this process, by configuration and denoiser file (path, size, time): a program that
     * trains on the set through the loop and then inspects it (a benchmark) gets the same images without sampling
     * them twice. One entry only, so that memory does not grow with the sets a process makes.
     */
    private static String lastKey;
    private static Id3Synthetic last;

    /** Samples the set (no cache). */
    static Id3Synthetic sample(Id3SyntheticConfig config, NDManager manager) throws IOException {
        try (NDManager work = manager.newSubManager()) {
            IdentityConditionedDenoiser.Loaded loaded = IdentityConditionedDenoiser.load(Path.of(config.denoiser()),
                    work);
            IdentityConditionedDenoiser denoiser = loaded.denoiser();
            DenoiserConfig shape = denoiser.config();
            IdentityEmbedder embedder = config.identityGuidance() > 0 ? recogniser(config, loaded, work) : null;
            if (embedder != null && embedder.dimension() != shape.identityDim()) {
                throw new IllegalArgumentException("id3-synthetic: the recogniser embeds in " + embedder.dimension()
                        + " dimensions but the denoiser " + config.denoiser() + " is conditioned on "
                        + shape.identityDim());
            }
            float[][] anchors;
            try {
                anchors = new AnchorSampler(shape.identityDim(), config.anchorMaxCosine(), 100_000)
                        .sample(config.identities(), config.seed());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("id3-synthetic: " + e.getMessage());
            }
            int per = config.imagesPerIdentity() + config.testImages();
            int total = config.identities() * per;
            FaceRenderer attributeSource = new FaceRenderer(Math.max(16, shape.imageSize()), config.seed());
            IdGuidedSampler sampler = config.sampler();
            int s = shape.imageSize();
            int pixels = 3 * s * s;
            float[][] out = new float[total][];
            work.getEngine().setRandomSeed((int) config.seed());
            for (int start = 0; start < total; start += config.batchSize()) {
                int b = Math.min(config.batchSize(), total - start);
                float[] y = new float[b * shape.identityDim()];
                float[] a = new float[b * Math.max(1, shape.attributeDim())];
                for (int i = 0; i < b; i++) {
                    int index = start + i;
                    int k = index / per;
                    System.arraycopy(anchors[k], 0, y, i * shape.identityDim(), shape.identityDim());
                    if (shape.attributeDim() > 0) {
                        float[] attr = attributeSource.attributes(ATTRIBUTE_IDENTITY_BASE + k, index % per);
                        if (attr.length != shape.attributeDim()) {
                            throw new IllegalArgumentException("id3-synthetic: the denoiser " + config.denoiser()
                                    + " expects " + shape.attributeDim() + " attributes; the face generator has "
                                    + attr.length);
                        }
                        System.arraycopy(attr, 0, a, i * shape.attributeDim(), attr.length);
                    }
                }
                try (NDManager batch = work.newSubManager()) {
                    NDArray identity = Owned.floats(batch, y, new Shape(b, shape.identityDim()));
                    NDArray attributes = shape.attributeDim() > 0
                            ? Owned.floats(batch, a, new Shape(b, shape.attributeDim())) : null;
                    NDArray xT = batch.randomNormal(new Shape(b, 3, s, s));
                    NDArray x0 = sampler.sample(denoiser, embedder, xT, identity, attributes);
                    float[] flat = x0.toFloatArray();
                    for (int i = 0; i < b; i++) {
                        float[] img = new float[pixels];
                        for (int j = 0; j < pixels; j++) {
                            img[j] = Math.max(0f, Math.min(1f, (flat[i * pixels + j] + 1f) * 0.5f));
                        }
                        out[start + i] = img;
                    }
                }
            }
            return new Id3Synthetic(config, s, loaded.trainedSteps(), out, anchors);
        }
    }

    private static IdentityEmbedder recogniser(Id3SyntheticConfig config, IdentityConditionedDenoiser.Loaded loaded,
            NDManager manager) throws IOException {
        Map<String, String> m = loaded.metadata();
        String file = config.recogniser() != null && !config.recogniser().isBlank() ? config.recogniser()
                : m.get("id3.recogniser");
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("id3-synthetic: identityGuidance > 0 needs a recogniser; the denoiser "
                    + config.denoiser() + " names none, so set 'recogniser'");
        }
        List<Integer> layers = Arrays.stream(m.getOrDefault("id3.recogniserLayers", "1,1,1,1").split(","))
                .map(String::trim).map(Integer::valueOf).toList();
        SlerpFaceLearnerConfig shape = new SlerpFaceLearnerConfig(layers,
                Integer.parseInt(m.getOrDefault("id3.recogniserWidth", "8")),
                Boolean.parseBoolean(m.getOrDefault("id3.recogniserCifarStem", "true")),
                Integer.parseInt(m.getOrDefault("id3.recogniserGroupSize", "16")), 16, 0.2, false);
        return RecogniserEmbedder.load(Path.of(file), shape, loaded.denoiser().config().imageSize(), manager);
    }

    /** @return whether the denoiser file had any training steps */
    public boolean trained() {
        return trainedSteps > 0;
    }

    /** @return the identity anchors, (N, d) */
    public float[][] anchors() {
        return Arrays.stream(anchors).map(float[]::clone).toArray(float[][]::new);
    }

    @Override
    public DatasetSplit train() {
        return new Split(0, config.imagesPerIdentity());
    }

    @Override
    public DatasetSplit test() {
        return new Split(config.imagesPerIdentity(), config.testImages());
    }

    @Override
    public String describe() {
        return "id3-synthetic: " + config.identities() + " identities x (" + config.imagesPerIdentity() + " + "
                + config.testImages() + ") images, " + size + "x" + size + ", guidance lambda "
                + config.identityGuidance() + ", cfg " + config.classifierFreeScale() + ", from " + config.denoiser()
                + (trained() ? " (" + trainedSteps + " training steps)"
                        : " -- UNTRAINED denoiser (0 training steps): the images are not faces");
    }

    /** The images {@code [first, first + count)} of every identity, from the generated set. */
    private final class Split extends IdentityMajorSplit {
        Split(int first, int count) {
            super("id3-synthetic", config.identities(), first, count, classNames);
        }

        @Override
        protected Example example(int index, int identity, int image) {
            float[] pixels = images[identity * (config.imagesPerIdentity() + config.testImages()) + image];
            return Example.labelledImage(index, identity,
                    new Feature.Floats(pixels.clone(), new long[] {3, size, size}));
        }
    }
}
