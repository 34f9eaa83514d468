package dev.perennial.api.metrics;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Capability;
import dev.perennial.spi.Metric;
import dev.perennial.spi.MetricProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.SpiVersion;
import dev.perennial.spi.TaskInfo;
import java.util.List;
import java.util.Set;

/**
 * {@code task-accuracy}: task-incremental (multi-head) top-1 accuracy. The task id is given at test time: each
 * example's prediction is the arg-max of the learner's class scores over the classes of the task its batch belongs
 * to ({@link Batch#task()}), not over every class. Needs scores ({@link Predictions#ofScores}); a learner that
 * returns only class ids cannot be evaluated task-incrementally and is refused with a message.
 */
@PluginName("task-accuracy")
public final class TaskAccuracyMetricProvider extends AbstractPluginProvider<AccuracyConfig, Metric>
        implements MetricProvider<AccuracyConfig> {
    /** Creates the provider. */
    public TaskAccuracyMetricProvider() {
        super(SpiVersion.CURRENT, "0.1.0", AccuracyConfig.class, AccuracyConfig::new,
                "Task-incremental accuracy: the arg-max of the class scores over the classes of the example's task.");
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.TASK_INCREMENTAL);
    }

    @Override
    public Metric create(AccuracyConfig config, PluginContext context) {
        ScenarioInfo scenario = context.scenario().orElseThrow(() -> new IllegalStateException(
                "metric 'task-accuracy' needs the scenario's tasks: create it inside a run"));
        return new TaskAccuracy(scenario.tasks());
    }

    /** The metric over a scenario's tasks. */
    static final class TaskAccuracy implements Metric {
        private final List<TaskInfo> tasks;

        TaskAccuracy(List<TaskInfo> tasks) {
            this.tasks = List.copyOf(tasks);
        }

        @Override
        public Accumulator newAccumulator() {
            return new Accumulator() {
                private long correct;
                private long total;

                @Override
                public void add(Batch batch, Predictions predictions) {
                    float[][] scores = predictions.scores().orElseThrow(() -> new IllegalArgumentException(
                            "metric 'task-accuracy' needs class scores (Predictions.ofScores) to restrict each"
                                    + " prediction to its task's classes, but the learner returned only "
                                    + (predictions.texts().isPresent() ? "texts" : "class ids")
                                    + "; use a learner that declares scenario:task-incremental"));
                    if (batch.task() < 0 || batch.task() >= tasks.size()) {
                        throw new IllegalArgumentException("metric 'task-accuracy': batch of task " + batch.task()
                                + " but the scenario has " + tasks.size() + " tasks");
                    }
                    int[] classes = tasks.get(batch.task()).classes();
                    long[] labels = BatchLabels.of(batch, "task-accuracy", predictions);
                    for (int i = 0; i < labels.length; i++) {
                        for (int c : classes) {
                            if (c >= scores[i].length) {
                                throw new IllegalArgumentException("metric 'task-accuracy': the learner scored "
                                        + scores[i].length + " classes but task " + batch.task() + " has class " + c);
                            }
                        }
                        int best = classes[0];
                        for (int c : classes) {
                            if (scores[i][c] > scores[i][best]) {
                                best = c;
                            }
                        }
                        if (best == labels[i]) {
                            correct++;
                        }
                    }
                    total += labels.length;
                }

                @Override
                public double result() {
                    if (total == 0) {
                        throw new IllegalStateException("metric 'task-accuracy': no predictions were added");
                    }
                    return (double) correct / total;
                }
            };
        }
    }
}
