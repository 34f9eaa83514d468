package dev.perennial.benchmarks.slerpface;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.perennial.api.checkpoint.CheckpointException;
import dev.perennial.api.checkpoint.CheckpointManifest;
import dev.perennial.api.checkpoint.CheckpointStore;
import dev.perennial.models.nn.Owned;
import dev.perennial.slerpface.GroupedTemplate;
import dev.perennial.slerpface.learn.SlerpFaceLearner;
import dev.perennial.slerpface.learn.SlerpFaceLearnerConfig;
import dev.perennial.slerpface.learn.SlerpFaceLearnerProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.TaskInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code slerpface-grouping} recogniser the shared loop trained, rebuilt outside the run: a fresh learner from
 * the plugin's provider (the public way to make one), with the parameters of the run's latest checkpoint
 * ({@code <run>/checkpoints/<tag>/model.safetensors}, names {@code learner/<parameter>}). It turns face images into
 * grouped templates with {@link SlerpFaceLearner#extract} (flip-sum, group features then weights).
 */
public final class TrainedRecogniser implements AutoCloseable {

    /** Images per extraction batch: bounds native memory, not results. */
    private static final int BATCH = 64;

    private final NDManager manager;
    private final SlerpFaceLearner learner;
    private final long[] imageShape;

    private TrainedRecogniser(NDManager manager, SlerpFaceLearner learner, long[] imageShape) {
        this.manager = manager;
        this.learner = learner;
        this.imageShape = imageShape.clone();
    }

    /**
     * Rebuilds the recogniser of a finished run.
     *
     * @param runDirectory the run's folder (it holds {@code checkpoints/LATEST})
     * @param config the learner configuration the run used
     * @param identities the identities (ArcFace classes) the run trained on
     * @param imageShape one image, {@code (3, S, S)}
     * @return the recogniser (close it)
     * @throws CheckpointException when the run has no checkpoint or it does not fit the configuration
     */
    public static TrainedRecogniser restore(Path runDirectory, SlerpFaceLearnerConfig config, int identities,
                                            long[] imageShape) {
        CheckpointStore store = new CheckpointStore(runDirectory);
        Path checkpoint = store.latest().orElseThrow(() -> new CheckpointException(runDirectory
                + " has no checkpoint (checkpoints/LATEST); was the run trained there?"));
        CheckpointManifest manifest = store.readManifest(checkpoint);
        NDManager manager = NDManager.newBaseManager();
        try {
            List<String> classes = new ArrayList<>();
            for (int i = 0; i < identities; i++) {
                classes.add("identity-" + i);
            }
            ScenarioInfo scenario = new ScenarioInfo("restored", classes, List.<TaskInfo>of(),
                    Map.of("image", imageShape.clone()));
            SlerpFaceLearner learner = (SlerpFaceLearner) new SlerpFaceLearnerProvider().create(config,
                    new RestoreContext(manager, runDirectory, scenario));
            try (NDManager temp = manager.newSubManager()) {
                Map<String, NDArray> saved = CheckpointStore.readTensors(checkpoint.resolve(manifest.modelFile()),
                        temp);
                List<String> problems = new ArrayList<>();
                for (Pair<String, Parameter> p : learner.model().getParameters()) {
                    NDArray value = saved.get("learner/" + p.getKey());
                    if (value == null) {
                        problems.add("missing learner/" + p.getKey());
                    } else if (!value.getShape().equals(p.getValue().getArray().getShape())) {
                        problems.add("learner/" + p.getKey() + " is " + value.getShape() + " in the checkpoint, "
                                + p.getValue().getArray().getShape() + " in the model");
                    } else {
                        value.copyTo(p.getValue().getArray());
                    }
                }
                if (!problems.isEmpty()) {
                    throw new CheckpointException(checkpoint + " does not fit slerpface-grouping " + config + ": "
                            + problems);
                }
            }
            return new TrainedRecogniser(manager, learner, imageShape);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * The templates of face images.
     *
     * @param images {@code 3·S·S} CHW images in [0, 1]
     * @return one grouped template per image
     */
    public GroupedTemplate[] templates(float[][] images) {
        int pixels = (int) (imageShape[0] * imageShape[1] * imageShape[2]);
        int m = learner.net().groups();
        int d = learner.net().groupSize();
        GroupedTemplate[] out = new GroupedTemplate[images.length];
        for (int start = 0; start < images.length; start += BATCH) {
            int b = Math.min(BATCH, images.length - start);
            float[] flat = new float[b * pixels];
            for (int i = 0; i < b; i++) {
                if (images[start + i].length != pixels) {
                    throw new IllegalArgumentException("recogniser: image " + (start + i) + " has "
                            + images[start + i].length + " values; expected " + pixels + " (3 x " + imageShape[1]
                            + " x " + imageShape[2] + ")");
                }
                System.arraycopy(images[start + i], 0, flat, i * pixels, pixels);
            }
            try (NDManager batch = manager.newSubManager()) {
                float[][] rows = learner.extract(Owned.floats(batch, flat, new Shape(b, imageShape[0], imageShape[1],
                        imageShape[2])));
                for (int i = 0; i < b; i++) {
                    double[] features = new double[m * d];
                    double[] weights = new double[m];
                    for (int j = 0; j < features.length; j++) {
                        features[j] = rows[i][j];
                    }
                    double sum = 0;
                    for (int g = 0; g < m; g++) {
                        weights[g] = rows[i][m * d + g];
                        sum += weights[g];
                    }
                    for (int g = 0; g < m; g++) {
                        weights[g] /= sum;   // float32 softmax: Σ = 1 up to rounding
                    }
                    out[start + i] = new GroupedTemplate(features, weights, d);
                }
            }
        }
        return out;
    }

    /**
     * Groups m of a template.
     *
     * @return m
     */
    public int groups() {
        return learner.net().groups();
    }

    /**
     * Dimensions d per group.
     *
     * @return d
     */
    public int groupSize() {
        return learner.net().groupSize();
    }

    /** Frees the network's native memory. */
    @Override
    public void close() {
        manager.close();
    }

    /** What the provider needs to build the learner outside a run: a manager, the CPU, the scenario's shape. */
    private record RestoreContext(NDManager manager, Path workDirectory, ScenarioInfo info) implements PluginContext {
        @Override
        public String pluginName() {
            return "slerpface-grouping";
        }

        @Override
        public Device device() {
            return manager.getDevice();
        }

        @Override
        public long seed() {
            return 0;
        }

        @Override
        public Optional<ScenarioInfo> scenario() {
            return Optional.of(info);
        }
    }
}
