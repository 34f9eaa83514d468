package dev.perennial.continual.replay;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.continual.net.BackboneConfig;
import dev.perennial.continual.ptm.TinyPtm;
import dev.perennial.models.nn.Owned;
import dev.perennial.spi.Batch;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskData;
import dev.perennial.spi.TaskInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/** Minimal contexts and batches for driving rehearsal learners without the loop. */
final class ReplayFixtures {
    static final int SIZE = 8;
    static final int CLASSES = 4;
    static final BackboneConfig BACKBONE = new BackboneConfig("small-cnn", 2, 8);
    static final List<TaskInfo> TASKS = List.of(new TaskInfo(0, "t0", new int[] {0, 1}, 100, 10),
            new TaskInfo(1, "t1", new int[] {2, 3}, 100, 10));

    private ReplayFixtures() {}

    static PluginContext context(NDManager manager) {
        ScenarioInfo scenario = new ScenarioInfo("tiny", List.of("a", "b", "c", "d"), TASKS,
                Map.of("image", new long[] {1, SIZE, SIZE}));
        return TinyPtm.context(manager, scenario, Path.of(System.getProperty("java.io.tmpdir")));
    }

    static StepContext step(NDManager m, int task, long seed) {
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
                return seed;
            }

            @Override
            public boolean training() {
                return true;
            }

            @Override
            public long seed() {
                return seed;
            }

            @Override
            public double learningRate() {
                return 0.01;
            }
        };
    }

    /** Random images; ids from {@code firstId}. */
    static Batch batch(NDManager m, int task, long firstId, long[] labels, long seed) {
        int n = labels.length;
        Random r = new Random(seed);
        float[] v = new float[n * SIZE * SIZE];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        NDArray images = Owned.floats(m, v, new Shape(n, 1, SIZE, SIZE));
        images.setName("image");
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = firstId + i;
        }
        return new Batch(new NDList(images), Optional.of(Owned.longs(m, labels)), Optional.empty(), ids, task,
                Map.of());
    }

    /** Starts a task on a learner with the engine seeded, so every learner built this way has the same weights. */
    static void begin(RehearsalLearner learner, int task, NDManager m) {
        Engine.getInstance().setRandomSeed(3);
        learner.beforeTask(TASKS.get(task), noData(TASKS.get(task)));
    }

    static TaskData noData(TaskInfo info) {
        return new TaskData() {
            @Override
            public TaskInfo task() {
                return info;
            }

            @Override
            public void forEachBatch(int batchSize, BiConsumer<Batch, StepContext> visitor) {
                throw new UnsupportedOperationException("not needed");
            }

            @Override
            public void gradients(int batchSize, BiFunction<Batch, StepContext, NDArray> loss,
                                  BiConsumer<Batch, StepContext> afterBackward) {
                throw new UnsupportedOperationException("not needed");
            }
        };
    }

    /** Mean softmax cross-entropy of host logits (rows × C). */
    static double crossEntropy(float[] logits, long[] labels, int classes) {
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[i * classes + c]);
            }
            double z = 0;
            for (int c = 0; c < classes; c++) {
                z += Math.exp(logits[i * classes + c] - max);
            }
            sum += -(logits[i * classes + (int) labels[i]] - max - Math.log(z));
        }
        return sum / labels.length;
    }
}
