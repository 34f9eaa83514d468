package dev.perennial.distillation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.perennial.distillation.assistant.StageSplit;
import dev.perennial.models.Backbone;
import dev.perennial.models.io.CheckpointNaming;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.models.io.TensorSource;
import dev.perennial.models.io.WeightLoader;
import dev.perennial.spi.PluginState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

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
            try (TensorSource source = view(Checkpoints.open(path), spec, plugin)) {
                WeightLoader.strict().ignoring(WeightLoader.NUM_BATCHES_TRACKED).load(source, model);
            } catch (IOException e) {
                throw new UncheckedIOException(plugin + ": cannot read teacher.checkpoint '" + path + "': "
                        + e.getMessage(), e);
            }
        }
        model.freezeParameters(true);
        // The teacher lives as long as the plugin: built inside a step's NDScope (a lazy first use), its weights
        // would be closed with the step's arrays ("Native resource has been released already" at the next step).
        model.getParameters().values().forEach(p -> NDScope.unregister(p.getArray()));
        this.split = StageSplit.of(model, pooling);
    }

    private static TensorSource view(TensorSource source, ModelSpec spec, String plugin) {
        try {
            return CheckpointNaming.parse(spec.nameMap(), plugin + ": teacher.nameMap")
                    .map(n -> n.view(source, ModelSpec.checkpointArchitecture(spec.architecture())))
                    .orElse(source);
        } catch (IllegalArgumentException e) {
            try {
                source.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalArgumentException(plugin + ": teacher." + e.getMessage(), e);
        }
    }

    /** The prefix of the teacher's tensors in a distiller's checkpointed state. */
    public static final String STATE_PREFIX = "teacher/";

    /**
     * Whether the weights are random (no {@code checkpoint} file), so that only a run's checkpoint can restore them:
     * the engine's random state when a resumed run builds the teacher differs from the uninterrupted run's.
     *
     * @return true without a checkpoint file
     */
    public boolean randomWeights() {
        return spec.checkpoint().isEmpty();
    }

    /** The schema version of the distillers' checkpointed state (the teacher's tensors, plus a distiller's values). */
    public static final int DISTILLER_STATE_SCHEMA = 1;

    /**
     * A distiller's checkpointed state: its teacher's tensors ({@link #stateTensors}; none before the teacher is
     * built) and the distiller's own values.
     *
     * @param teacher the teacher, or null when not built yet
     * @param values the distiller's values
     * @return the state
     */
    public static PluginState distillerState(FrozenTeacher teacher, Map<String, Object> values) {
        return new PluginState(DISTILLER_STATE_SCHEMA, teacher == null ? Map.of() : teacher.stateTensors(), values);
    }

    /**
     * Checks that a checkpointed distiller state has the schema this version reads.
     *
     * @param state the state
     * @param distiller the distiller's name, for the message
     * @throws IllegalStateException naming both versions otherwise
     */
    public static void requireDistillerSchema(PluginState state, String distiller) {
        state.requireSchema(distiller, DISTILLER_STATE_SCHEMA);
    }

    /**
     * The teacher's part of a distiller's checkpointed state: every parameter (running statistics included) under
     * {@link #STATE_PREFIX} for a random-weight teacher; nothing for a teacher read from its file, which a resume
     * reads again.
     *
     * @return the tensors, the teacher's own arrays (the checkpoint writer reads them)
     */
    public Map<String, NDArray> stateTensors() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        if (randomWeights()) {
            model.getParameters().forEach(p -> out.put(STATE_PREFIX + p.getKey(), p.getValue().getArray()));
        }
        return out;
    }

    /**
     * Copies the teacher's tensors of a checkpointed state into its weights (a copy: the state's arrays belong to
     * the loop). A state without teacher tensors (a file-loaded teacher, or a checkpoint written before teachers
     * were saved) changes nothing.
     *
     * @param state the distiller's state
     * @throws IllegalStateException when the saved tensors do not fit this teacher
     */
    public void loadStateTensors(PluginState state) {
        Map<String, NDArray> saved = new LinkedHashMap<>();
        state.tensors().forEach((k, v) -> {
            if (k.startsWith(STATE_PREFIX)) {
                saved.put(k.substring(STATE_PREFIX.length()), v);
            }
        });
        if (saved.isEmpty()) {
            return;
        }
        Map<String, NDArray> own = new LinkedHashMap<>();
        model.getParameters().forEach(p -> own.put(p.getKey(), p.getValue().getArray()));
        if (!own.keySet().equals(saved.keySet())) {
            TreeSet<String> missing = new TreeSet<>(own.keySet());
            missing.removeAll(saved.keySet());
            TreeSet<String> extra = new TreeSet<>(saved.keySet());
            extra.removeAll(own.keySet());
            throw new IllegalStateException("the checkpointed teacher does not fit " + spec.architecture()
                    + ": missing " + missing + ", unexpected " + extra);
        }
        for (Map.Entry<String, NDArray> e : own.entrySet()) {
            NDArray from = saved.get(e.getKey());
            if (!from.getShape().equals(e.getValue().getShape())) {
                throw new IllegalStateException("the checkpointed teacher's " + e.getKey() + " has shape "
                        + from.getShape() + ", the teacher " + e.getValue().getShape());
            }
            from.copyTo(e.getValue());
        }
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
