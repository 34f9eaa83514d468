package dev.perennial.continual.ptm;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.io.SafetensorsWriter;
import dev.perennial.models.vit.VisionTransformer;
import ai.djl.engine.Engine;
import ai.djl.training.GradientCollector;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskData;
import dev.perennial.spi.TaskInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * Test scaffolding for the PTM learners: a tiny random ViT written to a temp safetensors file, a small labelled
 * image set whose classes differ in mean colour, and minimal {@link PluginContext}, {@link StepContext} and
 * {@link TaskData} implementations (continual must not depend on the api module's loop).
 */
public final class TinyPtm {
    /** Image size of the tiny ViT. */
    public static final int SIZE = 8;
    /** Width of the tiny ViT. */
    public static final int DIM = 16;

    private TinyPtm() {}

    /**
     * The tiny architecture (8×8 images, patch 4, D 16, 1 block, 2 heads) with the given PET.
     *
     * @param checkpoint the file, or "" for random
     * @param pet adapter, ssf or vpt
     * @return the config
     */
    public static PtmBackboneConfig backbone(String checkpoint, String pet) {
        return PtmBackboneConfig.defaults().withArchitecture(checkpoint, SIZE, 4, DIM, 1, 2).withPet(pet);
    }

    /**
     * Writes a random tiny ViT in timm names.
     *
     * @param dir a temp folder
     * @param seed the engine seed
     * @return the file
     * @throws IOException on write failure
     */
    public static Path writeCheckpoint(Path dir, int seed) throws IOException {
        Path file = dir.resolve("tiny-vit.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
            VisionTransformer vit = new VisionTransformer(backbone("", "adapter").vitConfig(false));
            vit.initialize(m, DataType.FLOAT32, new Shape(1, 3, SIZE, SIZE));
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            ParameterNames.of(vit).forEach((name, p) -> tensors.put(name, p.getArray()));
            SafetensorsWriter.write(file, tensors);
        }
        return file;
    }

    /** An in-memory labelled image set. */
    public static final class Images {
        final float[][] pixels;
        final long[] labels;

        Images(float[][] pixels, long[] labels) {
            this.pixels = pixels;
            this.labels = labels;
        }

        /**
         * {@code perClass} images for each class, pixels in [0, 1] around a class-specific colour.
         *
         * @param classes class ids
         * @param perClass images per class
         * @param seed the seed
         * @return the images
         */
        public static Images of(int[] classes, int perClass, long seed) {
            Random r = new Random(seed);
            int n = classes.length * perClass;
            float[][] px = new float[n][3 * SIZE * SIZE];
            long[] y = new long[n];
            int i = 0;
            for (int k = 0; k < perClass; k++) {
                for (int c : classes) {
                    float[] colour = {(c % 2) * 0.6f + 0.2f, ((c / 2) % 2) * 0.6f + 0.2f, ((c / 4) % 2) * 0.6f + 0.2f};
                    for (int ch = 0; ch < 3; ch++) {
                        for (int p = 0; p < SIZE * SIZE; p++) {
                            float v = colour[ch] + (float) r.nextGaussian() * 0.1f;
                            px[i][ch * SIZE * SIZE + p] = Math.max(0f, Math.min(1f, v));
                        }
                    }
                    y[i] = c;
                    i++;
                }
            }
            return new Images(px, y);
        }

        /** @return the number of images */
        public int size() {
            return labels.length;
        }

        /**
         * A batch of images [from, to).
         *
         * @param m the manager
         * @param from first index
         * @param to end index
         * @param task the task index
         * @return the batch
         */
        public Batch batch(NDManager m, int from, int to, int task) {
            int b = to - from;
            float[] flat = new float[b * 3 * SIZE * SIZE];
            long[] y = new long[b];
            long[] ids = new long[b];
            for (int i = 0; i < b; i++) {
                System.arraycopy(pixels[from + i], 0, flat, i * 3 * SIZE * SIZE, 3 * SIZE * SIZE);
                y[i] = labels[from + i];
                ids[i] = from + i;
            }
            NDArray image = m.create(flat, new Shape(b, 3, SIZE, SIZE));
            image.setName("image");
            return new Batch(new NDList(image), Optional.of(m.create(y)), Optional.empty(), ids, task, Map.of());
        }

        /** @return the labels */
        public long[] labels() {
            return labels.clone();
        }
    }

    /**
     * A scenario summary with {@code classes} classes of 3×8×8 images.
     *
     * @param classes class count
     * @param tasks the tasks
     * @return the info
     */
    public static ScenarioInfo scenario(int classes, List<TaskInfo> tasks) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            names.add("c" + i);
        }
        return new ScenarioInfo("tiny", names, tasks, Map.of("image", new long[] {3, SIZE, SIZE}));
    }

    /**
     * A plugin context over a manager.
     *
     * @param manager the run manager
     * @param scenario the scenario, or null for none
     * @param dir a work folder
     * @return the context
     */
    public static PluginContext context(NDManager manager, ScenarioInfo scenario, Path dir) {
        return new PluginContext() {
            @Override
            public String pluginName() {
                return "test";
            }

            @Override
            public NDManager manager() {
                return manager;
            }

            @Override
            public Device device() {
                return manager.getDevice();
            }

            @Override
            public long seed() {
                return 7;
            }

            @Override
            public Path workDirectory() {
                return dir;
            }

            @Override
            public Optional<ScenarioInfo> scenario() {
                return Optional.ofNullable(scenario);
            }
        };
    }

    /**
     * A step context.
     *
     * @param m the step manager
     * @param task the task
     * @param training whether training
     * @return the context
     */
    public static StepContext step(NDManager m, int task, boolean training) {
        return step(m, task, training, 0, 11, 0.01);
    }

    /**
     * A step context with every value given.
     *
     * @param m the step manager
     * @param task the task
     * @param training whether training
     * @param global the global step
     * @param seed the step seed
     * @param learningRate the learning rate
     * @return the context
     */
    public static StepContext step(NDManager m, int task, boolean training, long global, long seed,
                                   double learningRate) {
        return new StepContext() {
            @Override
            public NDManager manager() {
                return m;
            }

            @Override
            public int task() {
                return task;
            }

            @Override
            public int epoch() {
                return 0;
            }

            @Override
            public long globalStep() {
                return global;
            }

            @Override
            public boolean training() {
                return training;
            }

            @Override
            public long seed() {
                return seed;
            }

            @Override
            public double learningRate() {
                return learningRate;
            }
        };
    }

    /**
     * Task data over in-memory images; each batch lives in its own scoped manager and NDScope, as in the loop.
     *
     * @param info the task
     * @param images its training images
     * @param parent the parent manager
     * @return the data
     */
    public static TaskData taskData(TaskInfo info, Images images, NDManager parent) {
        return new TaskData() {
            @Override
            public TaskInfo task() {
                return info;
            }

            @Override
            public void forEachBatch(int batchSize, BiConsumer<Batch, StepContext> visitor) {
                for (int from = 0; from < images.size(); from += batchSize) {
                    // Like the loop: each batch inside an NDScope that closes what was created there.
                    try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope();
                         NDManager m = parent.newSubManager()) {
                        int to = Math.min(images.size(), from + batchSize);
                        visitor.accept(images.batch(m, from, to, info.index()), step(m, info.index(), false));
                    }
                }
            }

            @Override
            public void gradients(int batchSize, BiFunction<Batch, StepContext, NDArray> loss,
                                  BiConsumer<Batch, StepContext> afterBackward) {
                throw new UnsupportedOperationException("not used by the PTM learners");
            }
        };
    }

    /**
     * Task data whose examples must not be read: a learner given it proves it made no pass over the data.
     *
     * @param info the task
     * @return the data
     */
    public static TaskData noData(TaskInfo info) {
        return new TaskData() {
            @Override
            public TaskInfo task() {
                return info;
            }

            @Override
            public void forEachBatch(int batchSize, BiConsumer<Batch, StepContext> visitor) {
                throw new AssertionError("the learner read task " + info.name() + "'s data");
            }

            @Override
            public void gradients(int batchSize, BiFunction<Batch, StepContext, NDArray> loss,
                                  BiConsumer<Batch, StepContext> afterBackward) {
                throw new AssertionError("the learner read task " + info.name() + "'s data");
            }
        };
    }

    /**
     * A first session as the loop runs it: {@code beforeTask}, then (only when some parameter trains) {@code steps}
     * full-batch SGD steps (lr 0.5) on the learner's {@code ce} term, then {@code afterTask}. With {@code readable}
     * false the task data fails the test when read (a learner fed its first session must not touch it).
     *
     * @return whether anything trained
     */
    public static boolean firstSession(Learner learner, TaskInfo info, Images images, NDManager root, int steps,
            boolean readable) {
        TaskData data = readable ? taskData(info, images, root) : noData(info);
        learner.beforeTask(info, data);
        boolean trains = learner.model().getParameters().stream().anyMatch(p -> p.getValue().requiresGradient());
        for (int i = 0; trains && i < steps; i++) {
            try (NDManager m = root.newSubManager()) {
                Batch batch = images.batch(m, 0, images.size(), 0);
                try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                    LossTerms terms = learner.loss(batch, step(m, 0, true));
                    c.backward(terms.terms().get("ce"));
                }
                learner.model().getParameters().forEach(p -> {
                    if (p.getValue().requiresGradient()) {
                        NDArray w = p.getValue().getArray();
                        w.subi(w.getGradient().mul(0.5f));
                    }
                });
            }
        }
        learner.afterTask(info, data);
        return trains;
    }

    /**
     * A first session's statistics computed as separate partial passes (one per {@code [from, to)} row range of
     * {@code images}, each its own {@link FirstSessionPass} over the exported {@code model}) and merged, as the
     * distributed job does.
     */
    public static FirstSessionStatistics mergedPasses(FirstSessionStatistics.Header header, PtmBackboneConfig backbone,
            FirstSessionModel model, Images images, NDManager root, int[][] ranges) {
        FirstSessionStatistics total = FirstSessionStatistics.empty(header);
        for (int[] range : ranges) {
            try (FirstSessionPass pass = new FirstSessionPass(header, backbone, model, root);
                 NDManager m = root.newSubManager()) {
                Batch batch = images.batch(m, range[0], range[1], 0);
                int[] rows = new int[range[1] - range[0]];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = range[0] + i;
                }
                pass.add(batch.input("image"), batch.requireLabels().toLongArray(), rows);
                total.merge(pass.statistics());
            }
        }
        return total;
    }
}
