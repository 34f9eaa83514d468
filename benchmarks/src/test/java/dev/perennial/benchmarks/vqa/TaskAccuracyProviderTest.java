package dev.perennial.benchmarks.vqa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.perennial.api.registry.PluginRegistry;
import dev.perennial.continual.vqa.AnswerScorer;
import dev.perennial.continual.vqa.MiniCoin;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Metric;
import dev.perennial.spi.PluginKind;
import dev.perennial.spi.Predictions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TaskAccuracyProviderTest {

    private static Batch batch(List<String> tasks, List<String> answers, List<String> scorers) {
        return new Batch(new NDList(), Optional.empty(), Optional.empty(), new long[tasks.size()], 0,
                Map.of("task", tasks, "answer", answers, "scorer", scorers));
    }

    private static Metric.Accumulator accumulator(TaskAccuracyProvider provider) {
        return provider.create(provider.defaultConfig(), null).newAccumulator();
    }

    @Test
    void scoresOnlyTheExamplesOfItsTask() {
        Metric.Accumulator color = accumulator(new TaskAccuracyProvider.Color());
        color.add(batch(List.of("color", "choice", "color", "color"), List.of("red", "A", "blue", "green"),
                List.of("exact", "choice", "exact", "exact")), Predictions.ofTexts(List.of("red", "A", "red", "Green")));
        // 3 colour examples: red ✓, blue ✗, green ✓ (exact match is case-insensitive); the choice example is ignored
        assertEquals(2.0 / 3.0, color.result(), 1e-12);
        Metric.Accumulator choice = accumulator(new TaskAccuracyProvider.Choice());
        choice.add(batch(List.of("color", "choice"), List.of("red", "B"), List.of("exact", "choice")),
                Predictions.ofTexts(List.of("red", "A. circle")));
        assertEquals(0.0, choice.result(), "the choice scorer reads the letter A, the answer is B");
    }

    @Test
    void anEvaluationWithoutItsTaskIsNotEvaluated() {
        Metric.Accumulator counting = accumulator(new TaskAccuracyProvider.Counting());
        counting.add(batch(List.of("base"), List.of("3"), List.of("exact")), Predictions.ofTexts(List.of("3")));
        assertTrue(Double.isNaN(counting.result()));
    }

    @Test
    void classIdsAreRefusedWithTheMetricName() {
        Metric.Accumulator a = accumulator(new TaskAccuracyProvider.Spatial());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.add(batch(List.of("spatial"), List.of("left"), List.of("exact")),
                        Predictions.ofClasses(new long[] {1})));
        assertTrue(e.getMessage().contains("coin-accuracy-on-spatial"), e.getMessage());
    }

    @Test
    void thereIsOneProviderPerMiniCoinTaskAndTheRegistryFindsThem() {
        List<String> tasks = TaskAccuracyProvider.all().stream().map(TaskAccuracyProvider::task).toList();
        assertEquals(MiniCoin.TASKS, tasks);
        PluginRegistry registry = PluginRegistry.load(List.of());
        for (TaskAccuracyProvider p : TaskAccuracyProvider.all()) {
            assertEquals(TaskAccuracyProvider.PREFIX + p.task(), p.name());
            assertTrue(registry.contains(PluginKind.METRIC, p.name()), p.name());
            Record config = registry.bindConfig(PluginKind.METRIC, p.name(), JsonNodeFactory.instance.objectNode(),
                    "test");
            assertEquals(new TaskAccuracyProvider.Config(AnswerScorer.EXACT), config);
        }
    }
}
