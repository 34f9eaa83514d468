package dev.perennial.continual.vqa;

import com.fasterxml.jackson.annotation.JsonProperty;
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
 * {@code coin-accuracy}: the mean CoIN answer score of generated answers ({@link AnswerScorer}). Each example
 * may name its scorer in its {@value #SCORER_TEXT} text (Mini-CoIN and the instruction JSON source do, per task);
 * otherwise the configured scorer applies. The reference is the example's {@value #ANSWER_TEXT} text.
 */
@PluginName("coin-accuracy")
public final class CoinAccuracyProvider extends AbstractPluginProvider<CoinAccuracyProvider.Config, Metric>
        implements MetricProvider<CoinAccuracyProvider.Config> {
    /** Creates the provider. */
    public CoinAccuracyProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Config.class, () -> new Config(AnswerScorer.EXACT),
                "CoIN answer accuracy of generated texts: per-task scorer (choice letter, VQA accuracy, substring,"
                + " exact match, grounding IoU > 0.5).");
    }

    /** The example text holding the reference answer. */
    public static final String ANSWER_TEXT = "answer";
    /** The example text naming the scorer of that example. */
    public static final String SCORER_TEXT = "scorer";

    /**
     * Configuration.
     *
     * @param scorer the scorer for examples that name none
     */
    public record Config(
            @ConfigDoc("Scorer for examples without a 'scorer' text: choice, vqa, substring, exact,"
                    + " exact-skip-unanswerable, grounding.")
            @JsonProperty("scorer") AnswerScorer scorer) {
        /** Defaults to exact match. */
        public Config {
            scorer = scorer == null ? AnswerScorer.EXACT : scorer;
        }
    }

    @Override
    public Metric create(Config config, PluginContext context) {
        return new CoinAccuracy(config.scorer());
    }

    /** The metric. */
    static final class CoinAccuracy implements Metric {
        private final AnswerScorer fallback;

        CoinAccuracy(AnswerScorer fallback) {
            this.fallback = fallback;
        }

        @Override
        public Accumulator newAccumulator() {
            return new Accumulator() {
                private double sum;
                private long count;

                @Override
                public void add(Batch batch, Predictions predictions) {
                    List<String> texts = predictions.texts().orElseThrow(() -> new IllegalArgumentException(
                            "metric 'coin-accuracy' needs generated texts, but the learner returned class ids for"
                                    + " task " + batch.task() + "; use a text-generating learner (e.g. llaca)"));
                    List<String> answers = batch.texts().get(ANSWER_TEXT);
                    if (answers == null) {
                        throw new IllegalArgumentException("metric 'coin-accuracy': the batch of task " + batch.task()
                                + " has no '" + ANSWER_TEXT + "' text; it has " + batch.texts().keySet());
                    }
                    List<String> scorers = batch.texts().get(SCORER_TEXT);
                    for (int i = 0; i < texts.size(); i++) {
                        String id = scorers == null ? "" : scorers.get(i);
                        AnswerScorer s = id.isEmpty() ? fallback : AnswerScorer.byId(id, "metric 'coin-accuracy'");
                        sum += s.score(texts.get(i), answers.get(i));
                    }
                    count += texts.size();
                }

                @Override
                public double result() {
                    if (count == 0) {
                        throw new IllegalStateException("metric 'coin-accuracy': no predictions were added");
                    }
                    return sum / count;
                }
            };
        }
    }
}
