package dev.perennial.distillation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.perennial.distillation.assistant.StageSplit;
import dev.perennial.models.Backbone;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.models.io.TensorSource;
import dev.perennial.models.io.WeightLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The teacher: built from a {@link ModelSpec}, initialised, loaded from its safetensors checkpoint (strictly:
 * every name must match, {@code num_batches_tracked} aside) or left with random weights, and frozen — its
 * parameters take no gradient, it always runs in evaluation mode, and what it passes on is detached.
 */
public final class FrozenTeacher {
    private final ModelSpec spec;
    private final Backbone model;
    private final StageSplit split;

    /**
     * Builds and freezes the teacher.
     *
     * @param spec the teacher's description
     * @param manager the manager its parameters live in (the plugin's)
     * @param pooling how an attention teacher pools its tokens
     * @param plugin the plugin's name, for messages
     * @throws IllegalArgumentException when the checkpoint does not exist
     * @throws UncheckedIOException when it cannot be read
     */
    public FrozenTeacher(ModelSpec spec, NDManager manager, TokenPooling pooling, String plugin) {
        this.spec = spec;
        this.model = spec.build();
        model.initialize(manager, DataType.FLOAT32, inputShape(spec));
        if (!spec.checkpoint().isEmpty()) {
            Path path = Path.of(spec.checkpoint());
            if (!Files.exists(path)) {
                throw new IllegalArgumentException(plugin + ": teacher.checkpoint '" + path + "' does not exist; give"
                        + " a .safetensors file or checkpoint directory, or leave it empty for random weights");
            }
            try (TensorSource source = Checkpoints.open(path)) {
                WeightLoader.strict().ignoring(WeightLoader.NUM_BATCHES_TRACKED).load(source, model);
            } catch (IOException e) {
                throw new UncheckedIOException(plugin + ": cannot read teacher.checkpoint '" + path + "': "
                        + e.getMessage(), e);
            }
        }
        model.freezeParameters(true);
        this.split = StageSplit.of(model, pooling);
    }

    /**
     * The input shape a model of that description is initialised with.
     *
     * @param spec the description
     * @return {@code (1, C, S, S)}
     */
    public static Shape inputShape(ModelSpec spec) {
        return new Shape(1, spec.inChannels(), spec.imageSize(), spec.imageSize());
    }

    /**
     * The teacher's description.
     *
     * @return the spec
     */
    public ModelSpec spec() {
        return spec;
    }

    /**
     * The teacher's network (frozen).
     *
     * @return the backbone
     */
    public Backbone model() {
        return model;
    }

    /**
     * The teacher cut into stages, for the fusion model.
     *
     * @return the split
     */
    public StageSplit split() {
        return split;
    }

    /**
     * The teacher's knowledge of a batch, detached and in evaluation mode.
     *
     * @param store the parameter store
     * @param images {@code (B, C, S, S)}
     * @return pooled feature and logits
     */
    public Knowledge knowledge(ParameterStore store, NDArray images) {
        checkImages(images);
        Knowledge k = split.full(store, images, false);
        return new Knowledge(k.features().stopGradient(), k.logits().stopGradient());
    }

    /**
     * Checks that images fit the teacher, before any native call.
     *
     * @param images the batch images
     * @throws IllegalArgumentException naming the expected shape
     */
    public void checkImages(NDArray images) {
        Shape s = images.getShape();
        if (s.dimension() != 4 || s.get(1) != spec.inChannels() || s.get(2) != spec.imageSize()
                || s.get(3) != spec.imageSize()) {
            throw new IllegalArgumentException("the teacher (" + spec.architecture() + ") reads images (B, "
                    + spec.inChannels() + ", " + spec.imageSize() + ", " + spec.imageSize() + "); the batch has "
                    + s + " (set teacher.imageSize / teacher.inChannels)");
        }
    }

    /**
     * Whether every teacher parameter is frozen.
     *
     * @return true when none requires a gradient
     */
    public boolean isFrozen() {
        return model.getParameters().values().stream().noneMatch(Parameter::requiresGradient);
    }
}
