package dev.perennial.slerpface.id3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.diffusion.Diffusers;
import dev.perennial.models.diffusion.NoiseSchedule;
import dev.perennial.models.diffusion.UNet2DConditionModel;
import dev.perennial.models.io.NameMap;
import dev.perennial.models.io.SafetensorsFile;
import dev.perennial.models.io.SafetensorsWriter;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * ID³'s conditional denoiser ε_θ(x_t, t, y, a) (spec deepfake.md E.2, E.4): the diffusers-layout
 * {@link UNet2DConditionModel} of {@code models} in pixel space, whose cross-attention reads conditioning tokens made
 * from the identity embedding y (a unit vector of the frozen recogniser) and the attribute vector a:
 * <pre>
 * context = [ reshape(W_y·y + b_y, (k, D)) ; W_a·a + b_a ]        (B, k + 1, D); (B, k, D) without attributes
 * </pre>
 * Zero y and a are the null condition: classifier-free dropout (Ho and Salimans 2021) trains it by zeroing them
 * per sample, and guided sampling uses it as the unconditional branch. How the paper injects y and a is not
 * published (UNVERIFIED); tokens for cross-attention are our choice, the way text conditions latent diffusion.
 *
 * <p>Parameter names: {@code unet.*} (diffusers names), {@code identity_proj.*}, {@code attribute_proj.*}.
 */
public final class IdentityConditionedDenoiser extends FixedShapeBlock implements Denoiser {

    /** The format string a denoiser file's metadata carries. */
    public static final String FORMAT = "id3-denoiser-1";

    private final DenoiserConfig config;
    private final UNet2DConditionModel unet;
    private final Linear identityProjection;
    private final Linear attributeProjection;
    private final NoiseSchedule schedule;
    private ParameterStore store;

    /**
     * Builds the denoiser (random initialisation).
     *
     * @param config the shape
     */
    public IdentityConditionedDenoiser(DenoiserConfig config) {
        this.config = config;
        this.unet = addChildBlock("unet", new UNet2DConditionModel(config.unet()));
        this.identityProjection = addChildBlock("identity_proj",
                new Linear(config.identityDim(), (long) config.identityTokens() * config.crossAttentionDim(), true));
        this.attributeProjection = config.attributeDim() > 0 ? addChildBlock("attribute_proj",
                new Linear(config.attributeDim(), config.crossAttentionDim(), true)) : null;
        this.schedule = config.schedule();
    }

    /**
     * Builds and initialises the denoiser in a manager.
     *
     * @param config the shape
     * @param manager the owner of the parameters
     * @return the initialised denoiser
     */
    public static IdentityConditionedDenoiser create(DenoiserConfig config, NDManager manager) {
        IdentityConditionedDenoiser d = new IdentityConditionedDenoiser(config);
        d.initialize(manager, DataType.FLOAT32);
        d.store = new ParameterStore(manager, false);
        return d;
    }

    /** @return the shape */
    public DenoiserConfig config() {
        return config;
    }

    /** @return the UNet */
    public UNet2DConditionModel unet() {
        return unet;
    }

    @Override
    public NoiseSchedule schedule() {
        return schedule;
    }

    /**
     * The conditioning tokens.
     *
     * @param store the parameter store
     * @param identity y, (B, d)
     * @param attributes a, (B, A), or null when A = 0
     * @param training whether training
     * @return (B, k [+ 1], D)
     */
    public NDArray context(ParameterStore store, NDArray identity, NDArray attributes, boolean training) {
        long b = identity.getShape().get(0);
        if (identity.getShape().dimension() != 2 || identity.getShape().get(1) != config.identityDim()) {
            throw new IllegalArgumentException("id3 denoiser: identity must be (B, " + config.identityDim()
                    + "), got " + identity.getShape());
        }
        NDArray tokens = identityProjection.forward(store, identity, training)
                .reshape(b, config.identityTokens(), config.crossAttentionDim());
        if (attributeProjection == null) {
            return tokens;
        }
        if (attributes == null || !attributes.getShape().equals(new Shape(b, config.attributeDim()))) {
            throw new IllegalArgumentException("id3 denoiser: attributes must be (" + b + ", " + config.attributeDim()
                    + "), got " + (attributes == null ? "none" : attributes.getShape()));
        }
        NDArray a = attributeProjection.forward(store, attributes, training).reshape(b, 1, config.crossAttentionDim());
        return tokens.concat(a, 1);
    }

    /**
     * ε_θ(x_t, t, y, a) with an explicit parameter store (the loop's, in training).
     *
     * @param store the parameter store
     * @param xt x_t, (B, 3, S, S)
     * @param timesteps one per sample
     * @param identity y
     * @param attributes a (null when A = 0)
     * @param training whether training
     * @return ε̂
     */
    public NDArray epsilon(ParameterStore store, NDArray xt, int[] timesteps, NDArray identity, NDArray attributes,
            boolean training) {
        NDArray context = context(store, identity, attributes, training);
        return unet.forward(store, xt, NoiseSchedule.timestepArray(xt, timesteps), context, training);
    }

    @Override
    public NDArray epsilon(NDArray xt, int[] timesteps, NDArray identity, NDArray attributes, boolean training) {
        if (store == null) {
            throw new IllegalStateException("id3 denoiser: not initialised with create() or load()");
        }
        return epsilon(store, xt, timesteps, identity, attributes, training);
    }

    /**
     * Uses a given parameter store for {@link #epsilon(NDArray, int[], NDArray, NDArray, boolean)}.
     *
     * @param parameterStore the store
     */
    void useStore(ParameterStore parameterStore) {
        this.store = parameterStore;
    }

    /**
     * Writes the denoiser file: every parameter under its name, the shape in the metadata, and whether it was
     * trained (sampling from an untrained file is allowed and reported as such).
     *
     * @param file the {@code .safetensors} file
     * @param trainedSteps optimizer steps the weights had (0: untrained)
     * @throws IOException if it cannot be written
     */
    public void save(Path file, long trainedSteps) throws IOException {
        save(file, trainedSteps, Map.of());
    }

    /**
     * Writes the denoiser file with further metadata (the learner records where its recogniser is, so that
     * sampling with identity guidance can find it; the file holds no recogniser tensor).
     *
     * @param file the {@code .safetensors} file
     * @param trainedSteps optimizer steps the weights had (0: untrained)
     * @param extra further {@code __metadata__} strings
     * @throws IOException if it cannot be written
     */
    public void save(Path file, long trainedSteps, Map<String, String> extra) throws IOException {
        SafetensorsWriter w = SafetensorsWriter.create().metadata("format", "pt").metadata("id3.format", FORMAT)
                .metadata("id3.trainedSteps", Long.toString(trainedSteps));
        for (Map.Entry<String, String> e : extra.entrySet()) {
            w.metadata(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> e : config.toMetadata().entrySet()) {
            w.metadata(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Parameter> e : ParameterNames.of(this).entrySet()) {
            w.add(e.getKey(), e.getValue().getArray());
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        w.write(file);
    }

    /**
     * A denoiser file read back.
     *
     * @param denoiser the denoiser, initialised and loaded (parameters frozen)
     * @param trainedSteps optimizer steps its weights had (0: untrained)
     * @param metadata the file's metadata strings
     */
    public record Loaded(IdentityConditionedDenoiser denoiser, long trainedSteps, Map<String, String> metadata) {}

    /**
     * Reads a denoiser file strictly (every parameter present with its shape, nothing left over).
     *
     * @param file the file {@link #save} wrote
     * @param manager the owner of the parameters
     * @return the denoiser and its training steps
     * @throws IOException when it cannot be read or does not match its own metadata (a one-line message naming the
     *     file and the tensors)
     * @throws IllegalArgumentException when it is missing or not a denoiser file
     */
    public static Loaded load(Path file, NDManager manager) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("id3: denoiser file " + file + " does not exist (train one with the"
                    + " 'id3' learner; it writes id3-denoiser.safetensors into its run's plugin folder)");
        }
        Map<String, String> metadata;
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            metadata = f.metadata();
        }
        if (!FORMAT.equals(metadata.get("id3.format"))) {
            throw new IllegalArgumentException(file + ": not an id3 denoiser file (metadata id3.format is "
                    + metadata.get("id3.format") + ", expected " + FORMAT + ")");
        }
        DenoiserConfig config = DenoiserConfig.fromMetadata(metadata, file.toString());
        long steps;
        try {
            steps = Long.parseLong(metadata.getOrDefault("id3.trainedSteps", "0"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": metadata id3.trainedSteps is not a number");
        }
        IdentityConditionedDenoiser d = create(config, manager);
        Diffusers.loadStrict(file, d, NameMap.identity(), "the id3 denoiser of its metadata (" + config + ")");
        d.freezeParameters(true);
        return new Loaded(d, steps, Map.copyOf(metadata));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        throw new UnsupportedOperationException("id3 denoiser: call epsilon(...)");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
