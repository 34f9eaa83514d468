package dev.perennial.benchmarks.vqa;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.continual.vqa.AnswerScorer;
import dev.perennial.continual.vqa.CoinAccuracyProvider;
import dev.perennial.continual.vqa.TaskTaggedSplit;
import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Batch;
import dev.perennial.spi.ConfigDoc;
import dev.perennial.spi.Metric;
import dev.perennial.spi.MetricProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.SpiVersion;
import java.util.List;

/**
 * {@code coin-accuracy-on-<task>}: the CoIN answer score ({@link AnswerScorer}, the same rule as
 * {@code coin-accuracy}) over only those evaluation examples whose {@value TaskTaggedSplit#TASK_TEXT} text names one
 * Mini-CoIN task. The multitask upper bound trains and evaluates ONE joint task, so its accuracy matrix has a
 * single joint cell; these metrics split that joint evaluation into the per-task row that the benchmark sets beside
 * the sequential learners' matrices. An evaluation with no example of the task scores {@code NaN} (not evaluated).
 *
 * <p>The loop keys extra metrics by plugin name, so each task needs its own name and therefore its own provider
 * class: one nested subclass per task of {@link dev.perennial.continual.vqa.MiniCoin#TASKS}.
 */
public abstract class TaskAccuracyProvider extends AbstractPluginProvider<TaskAccuracyProvider.Config, Metric>
        implements MetricProvider<TaskAccuracyProvider.Config> {
    /** The metric name of a task is this prefix followed by the task name. */
    public static final String PREFIX = "coin-accuracy-on-";

    private final String task;

    /**
     * Configuration.
     *
     * @param scorer the scorer for examples that name none (as in {@code coin-accuracy})
     */
    public record Config(
            @ConfigDoc("Scorer for examples without a 'scorer' text: choice, vqa, substring, exact,"
                    + " exact-skip-unanswerable, grounding.")
            @JsonProperty("scorer") AnswerScorer scorer) {
        /** Defaults to exact match, like {@code coin-accuracy}. */
        public Config {
            scorer = scorer == null ? AnswerScorer.EXACT : scorer;
        }
    }

    /**
     * A provider for one task.
     *
     * @param task the Mini-CoIN task name whose examples are scored
     */
    protected TaskAccuracyProvider(String task) {
        super(SpiVersion.CURRENT, "1.0.0", Config.class, () -> new Config(AnswerScorer.EXACT),
                "CoIN answer accuracy over the examples of Mini-CoIN task '" + task + "' only (per-task scores of a"
                + " joint evaluation); NaN when the evaluated data has none.");
        this.task = task;
    }

    /**
     * The task whose examples this metric scores.
     *
     * @return the task name
     */
    public String task() {
        return task;
    }

    @Override
    public Metric create(Config config, PluginContext context) {
        AnswerScorer fallback = config.scorer();
        String where = "metric '" + name() + "'";
        return () -> new Metric.Accumulator() {
            private double sum;
            private long count;

            @Override
            public void add(Batch batch, Predictions predictions) {
                List<String> texts = predictions.texts().orElseThrow(() -> new IllegalArgumentException(where
                        + " needs generated texts, but the learner returned class ids; use a text-generating"
                        + " learner (e.g. multitask, llaca)"));
                List<String> tasks = required(batch, TaskTaggedSplit.TASK_TEXT);
                List<String> answers = required(batch, CoinAccuracyProvider.ANSWER_TEXT);
                List<String> scorers = batch.texts().get(CoinAccuracyProvider.SCORER_TEXT);
                for (int i = 0; i < texts.size(); i++) {
                    if (!task.equals(tasks.get(i))) {
                        continue;
                    }
                    String id = scorers == null ? "" : scorers.get(i);
                    AnswerScorer s = id.isEmpty() ? fallback : AnswerScorer.byId(id, where);
                    sum += s.score(texts.get(i), answers.get(i));
                    count++;
                }
            }

            @Override
            public double result() {
                return count == 0 ? Double.NaN : sum / count;
            }

            private List<String> required(Batch batch, String key) {
                List<String> t = batch.texts().get(key);
                if (t == null) {
                    throw new IllegalArgumentException(where + ": the batch of task " + batch.task() + " has no '"
                            + key + "' text; it has " + batch.texts().keySet());
                }
                return t;
            }
        };
    }

    /** {@code coin-accuracy-on-choice}. */
    @PluginName(PREFIX + "choice")
    public static final class Choice extends TaskAccuracyProvider {
        /** Needed by ServiceLoader; does no work. */
        public Choice() {
            super("choice");
        }
    }

    /** {@code coin-accuracy-on-reading}. */
    @PluginName(PREFIX + "reading")
    public static final class Reading extends TaskAccuracyProvider {
        /** Needed by ServiceLoader; does no work. */
        public Reading() {
            super("reading");
        }
    }

    /** {@code coin-accuracy-on-classification}. */
    @PluginName(PREFIX + "classification")
    public static final class Classification extends TaskAccuracyProvider {
        /** Needed by ServiceLoader; does no work. */
        public Classification() {
            super("classification");
        }
    }

    /** {@code coin-accuracy-on-spatial}. */
    @PluginName(PREFIX + "spatial")
    public static final class Spatial extends TaskAccuracyProvider {
        /** Needed by ServiceLoader; does no work. */
        public Spatial() {
            super("spatial");
        }
    }

    /** {@code coin-accuracy-on-color}. */
    @PluginName(PREFIX + "color")
    public static final class Color extends TaskAccuracyProvider {
        /** Needed by ServiceLoader; does no work. */
        public Color() {
            super("color");
        }
    }

    /** {@code coin-accuracy-on-grounding}. */
    @PluginName(PREFIX + "grounding")
    public static final class Grounding extends TaskAccuracyProvider {
        /** Needed by ServiceLoader; does no work. */
        public Grounding() {
            super("grounding");
        }
    }

    /** {@code coin-accuracy-on-counting}. */
    @PluginName(PREFIX + "counting")
    public static final class Counting extends TaskAccuracyProvider {
        /** Needed by ServiceLoader; does no work. */
        public Counting() {
            super("counting");
        }
    }

    /**
     * One provider per Mini-CoIN task, in {@link dev.perennial.continual.vqa.MiniCoin#TASKS} order.
     *
     * @return the providers
     */
    public static List<TaskAccuracyProvider> all() {
        return List.of(new Choice(), new Reading(), new Classification(), new Spatial(), new Color(), new Grounding(),
                new Counting());
    }
}
