package dev.perennial.continual.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDManager;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.replay.ReplayItem;
import dev.perennial.spi.replay.ReplayItems;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GDumb learns from its memory only, and starts each later task from a fresh network. */
class GdumbLearnerTest {

    private static GdumbProvider.GdumbLearner learner(NDManager m) {
        return new GdumbProvider.GdumbLearner(ReplayFixtures.context(m), new GdumbProvider.Config(
                ReplayFixtures.BACKBONE, new MemoryConfig(6, "class-balanced", 4, false), "every-task", "none"));
    }

    @Test
    void theLossIsTheCrossEntropyOfADrawFromTheMemoryAfterTheStreamWasOffered() {
        try (NDManager m = NDManager.newBaseManager()) {
            GdumbProvider.GdumbLearner g = learner(m);
            ReplayFixtures.begin(g, 0, m);
            LossTerms first = g.loss(ReplayFixtures.batch(m, 0, 0, new long[] {0, 1, 0}, 1),
                    ReplayFixtures.step(m, 0, 50));
            assertEquals(3, g.buffer().size(), "the stream batch went into the memory first");
            List<ReplayItem> draw = g.buffer().items(g.buffer().sample(4, 50, 0));
            float[] logits = g.forward(ReplayItems.toBatch(draw, m, 0).batch().input("image"), true).get(1)
                    .toFloatArray();
            // cross-entropy over the seen classes 0 and 1 only
            float[] seen = new float[2 * draw.size()];
            for (int i = 0; i < draw.size(); i++) {
                seen[2 * i] = logits[4 * i];
                seen[2 * i + 1] = logits[4 * i + 1];
            }
            long[] labels = draw.stream().mapToLong(ReplayItem::label).toArray();
            assertEquals(ReplayFixtures.crossEntropy(seen, labels, 2),
                    first.terms().get("ce").toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble(), 1e-5);
        }
    }

    @Test
    void laterTasksStartFromAFreshNetwork() {
        try (NDManager m = NDManager.newBaseManager()) {
            GdumbProvider.GdumbLearner g = learner(m);
            ReplayFixtures.begin(g, 0, m);
            float[] initial = g.model().getParameters().values().get(0).getArray().toFloatArray();
            g.model().getParameters().values().get(0).getArray().addi(1f);
            ai.djl.engine.Engine.getInstance().setRandomSeed(99);
            g.beforeTask(ReplayFixtures.TASKS.get(1), ReplayFixtures.noData(ReplayFixtures.TASKS.get(1)));
            float[] after = g.model().getParameters().values().get(0).getArray().toFloatArray();
            float[] trained = initial.clone();
            for (int i = 0; i < trained.length; i++) {
                trained[i] += 1f;
            }
            assertFalse(Arrays.equals(trained, after), "re-initialised, not kept");
        }
    }
}
