package dev.perennial.api.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Metric;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.TaskInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Task-incremental accuracy restricts each prediction to the classes of the example's task. */
class TaskAccuracyMetricTest {
    private static final List<TaskInfo> TASKS = List.of(new TaskInfo(0, "t0", new int[] {0, 1}, 1, 1),
            new TaskInfo(1, "t1", new int[] {2, 3}, 1, 1));

    private static Batch batch(NDManager m, int task, long... labels) {
        NDArray x = m.zeros(new ai.djl.ndarray.types.Shape(labels.length, 1));
        x.setName("image");
        return new Batch(new NDList(x), Optional.of(m.create(labels)), Optional.empty(), new long[labels.length],
                task, Map.of());
    }

    @Test
    void theArgMaxRunsOverTheTaskClassesOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            // row 0 (task 1, label 3): class 0 scores highest overall, class 3 highest within task 1
            // row 1 (task 1, label 2): class 3 beats 2 within the task: wrong either way
            float[][] scores = {{9f, 1f, 2f, 5f}, {9f, 0f, 1f, 4f}};
            Batch b = batch(m, 1, 3, 2);
            Metric.Accumulator task = new TaskAccuracyMetricProvider.TaskAccuracy(TASKS).newAccumulator();
            task.add(b, Predictions.ofScores(scores));
            assertEquals(0.5, task.result(), 0.0);
            Metric.Accumulator plain = new AccuracyMetric().newAccumulator();
            plain.add(b, Predictions.ofScores(scores));
            assertEquals(0.0, plain.result(), 0.0);
        }
    }

    @Test
    void refusesPredictionsWithoutScores() {
        try (NDManager m = NDManager.newBaseManager()) {
            Metric.Accumulator task = new TaskAccuracyMetricProvider.TaskAccuracy(TASKS).newAccumulator();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> task.add(batch(m, 0, 1), Predictions.ofClasses(new long[] {1})));
            assertTrue(e.getMessage().contains("class scores"), e.getMessage());
        }
    }
}
