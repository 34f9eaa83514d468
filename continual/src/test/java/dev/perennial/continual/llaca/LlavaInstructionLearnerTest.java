package dev.perennial.continual.llaca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.perennial.continual.ptm.TinyPtm;
import dev.perennial.continual.vqa.MiniCoin;
import dev.perennial.continual.vqa.MiniCoinConfig;
import dev.perennial.spi.Batch;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LLaVA learners through the SPI methods on a tiny model and Mini-CoIN, with a hand-written SGD step standing
 * in for the loop's optimizer (continual must not depend on the api module).
 */
class LlavaInstructionLearnerTest {
    private static final LlavaModelConfig TINY = new LlavaModelConfig(null, "mini-coin", 32, 64, 1, 2, 32, 8, 16, 2,
            4, 8f, 0f, null, 0.1, 1, "", 4, "");

    @TempDir
    Path dir;

    @Test
    void llacaTracksOnlyLoraAndProjectorFiresTheAdaptiveBranchAndReplacesAtTheTaskEnd() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MiniCoin coin = new MiniCoin(new MiniCoinConfig(5, 32, 8, 4, List.of("color"), true, 2));
            // s = 0.01 (Continual-NExT): with a tiny model the L1 norms are small, so CoIN's s = 2 falls back
            LlacaProvider.Config config = new LlacaProvider.Config(TINY,
                    new AdaptiveEmaConfig(EmaConvention.CODE, HessianSurrogate.GRAD_DIFF, 0.01f, 0.01f, null), true);
            Learner learner = new LlacaProvider().create(config, context(manager, dir));
            LlavaInstructionLearner llava = (LlavaInstructionLearner) learner;

            TaskInfo base = new TaskInfo(0, "base", new int[0], 14, 7);
            learner.beforeTask(base, null);
            assertTrue(learner.parameterGroups().isEmpty(), "full-tune task: one group");
            long trainable = learner.model().getParameters().stream().filter(p -> p.getValue().requiresGradient())
                    .count();
            assertEquals(learner.model().getParameters().size(), trainable, "the base task trains every weight");
            train(manager, learner, coin.train(), 0, 14, 3, 0.05f);
            learner.afterTask(base, null);
            assertEquals(new EmaUpdateCounts(0, 0), llava.emaCounts().orElseThrow(), "no EMA in a full-tune task");

            TaskInfo color = new TaskInfo(1, "color", new int[0], 8, 4);
            learner.beforeTask(color, null);
            List<String> trainableNames = new ArrayList<>();
            for (Pair<String, Parameter> p : learner.model().getParameters()) {
                if (p.getValue().requiresGradient()) {
                    trainableNames.add(p.getKey());
                }
            }
            assertEquals(2 * 7 + 4, trainableNames.size(), "LoRA A and B on 7 linears of 1 layer + the projector");
            assertEquals(1, learner.parameterGroups().size());
            assertEquals(4, trainableNames.stream().filter(n -> learner.parameterGroups().get(0).matches(n)).count(),
                    "the projector group matches the loop's names of the 4 projector tensors");
            Map<String, NDArray> frozenBefore = new HashMap<>();
            for (Pair<String, Parameter> p : learner.model().getParameters()) {
                if (!p.getValue().requiresGradient()) {
                    frozenBefore.put(p.getKey(), p.getValue().getArray().duplicate());
                }
            }
            int steps = 6;
            train(manager, learner, coin.train(), 14, 22, steps, 0.5f);
            EmaUpdateCounts counts = llava.emaCounts().orElseThrow();
            assertEquals((long) steps * 18, counts.adaptive() + counts.fallback(), "one update per tensor per step");
            assertTrue(counts.fallback() >= 18, "the first step of a task falls back for every tensor");
            assertTrue(counts.adaptive() > 0, "L10: the adaptive branch fires: " + counts);

            learner.afterTask(color, null);
            PluginState state = learner.saveState(null);
            assertEquals(counts.adaptive(), state.number("emaAdaptiveUpdates").longValue());
            assertEquals(counts.adaptiveFraction(), state.number("emaAdaptiveFraction").doubleValue(), 1e-12);
            for (Pair<String, Parameter> p : learner.model().getParameters()) {
                if (frozenBefore.containsKey(p.getKey())) {
                    assertTrue(frozenBefore.get(p.getKey()).contentEquals(p.getValue().getArray()),
                            "frozen base weights stay bit-identical: " + p.getKey());
                }
            }

            try (NDManager scope = manager.newSubManager()) {
                Predictions predictions = learner.predict(batch(scope, coin.test(), 2, 4, 1), step(scope, false));
                assertEquals(2, predictions.texts().orElseThrow().size());
            }
        }
    }

    @Test
    void aPeftAdapterInModelLoraAdapterIsLoadedBeforeTheFirstTask() throws Exception {
        LlavaModelConfig plain = new LlavaModelConfig(null, "mini-coin", 32, 64, 1, 2, 32, 8, 16, 2, 4, 8f, 0f, null,
                0.1, 0, "", 4, "");
        try (NDManager manager = NDManager.newBaseManager()) {
            // The adapter: LoRA r 2 on q_proj and v_proj of a model of the same shape, B made non-zero.
            Learner source = new LoraSeqProvider().create(new LoraSeqProvider.Config(plain), context(manager, dir));
            dev.perennial.llava.LlavaModel shape = (dev.perennial.llava.LlavaModel) source.model();
            dev.perennial.llava.LlavaLoraSetup setup = dev.perennial.llava.LlavaLoraSetup.apply(shape,
                    new dev.perennial.models.pet.LoraConfig(2, 4f, 0f, List.of("q_proj", "v_proj"), Optional.empty(),
                            false), true);
            setup.loraParameters().values().forEach(p -> p.getArray().getManager()
                    .randomNormal(0f, 1f, p.getArray().getShape(), p.getArray().getDataType()).copyTo(p.getArray()));
            Path adapter = dir.resolve("adapter");
            dev.perennial.llava.LlavaExport.writePeft(shape, setup.lora(), "", false, adapter);

            LlavaModelConfig withAdapter = new LlavaModelConfig(null, "mini-coin", 32, 64, 1, 2, 32, 8, 16, 2, 4, 8f,
                    0f, null, 0.1, 0, "", 4, adapter.toString());
            Learner learner = new LoraSeqProvider().create(new LoraSeqProvider.Config(withAdapter),
                    context(manager, dir));
            Map<String, Parameter> loaded = dev.perennial.models.ParameterNames.of(learner.model());
            int adapters = 0;
            for (Map.Entry<String, Parameter> e : setup.loraParameters().entrySet()) {
                assertTrue(loaded.get(e.getKey()).getArray().contentEquals(e.getValue().getArray()), e.getKey());
                adapters++;
            }
            assertEquals(2 * 2, adapters, "q_proj and v_proj of one layer, A and B");
            learner.beforeTask(new TaskInfo(0, "color", new int[0], 8, 4), null);
            long trainable = learner.model().getParameters().stream().filter(p -> p.getValue().requiresGradient())
                    .count();
            assertEquals(4 + 4, trainable, "the adapter's LoRA (not the recipe's 7 modules) + the projector");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LoraSeqProvider()
                    .create(new LoraSeqProvider.Config(new LlavaModelConfig(null, "mini-coin", 32, 64, 1, 2, 32, 8,
                            16, 2, 4, 8f, 0f, null, 0.1, 0, "", 4, dir.resolve("absent").toString())),
                            context(manager, dir)));
            assertTrue(e.getMessage().contains("model.loraAdapter") && e.getMessage().contains("adapter_config.json"),
                    e.getMessage());
        }
    }

    @Test
    void emaFixedUsesBetaAndMultitaskRefusesASequentialScenario() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Learner fixed = new EmaFixedProvider().create(new EmaFixedProvider.Config(TINY, 0.99f),
                    context(manager, dir));
            fixed.beforeTask(new TaskInfo(0, "base", new int[0], 14, 7), null);
            fixed.beforeTask(new TaskInfo(1, "color", new int[0], 8, 4), null);
            MiniCoin coin = new MiniCoin(new MiniCoinConfig(5, 32, 8, 4, List.of("color"), true, 2));
            train(manager, fixed, coin.train(), 14, 22, 2, 0.1f);
            EmaUpdateCounts counts = ((LlavaInstructionLearner) fixed).emaCounts().orElseThrow();
            assertEquals(new EmaUpdateCounts(0, 2 * 18), counts);
            assertThrows(IllegalArgumentException.class, () -> new EmaFixedProvider.Config(TINY, 1f));

            ScenarioInfo three = new ScenarioInfo("s", List.of(), List.of(new TaskInfo(0, "base", new int[0], 1, 1),
                    new TaskInfo(1, "a", new int[0], 1, 1), new TaskInfo(2, "b", new int[0], 1, 1)), Map.of());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new MultitaskProvider().create(new MultitaskProvider.Config(TINY), context(manager, dir, three)));
            assertTrue(e.getMessage().contains("joint"), e.getMessage());
            assertFalse(new LoraSeqProvider().create(new LoraSeqProvider.Config(TINY), context(manager, dir))
                    instanceof LlavaInstructionLearner l && l.emaCounts().isPresent());
        }
    }

    /** Steps of plain SGD over examples [from, to), in the loop's order: loss, backward, step, afterStep, clear. */
    private static void train(NDManager manager, Learner learner, DatasetSplit split, int from, int to, int steps,
                              float lr) {
        int batchSize = 4;
        for (int s = 0; s < steps; s++) {
            int start = from + (s * batchSize) % (to - from);
            try (NDManager scope = manager.newSubManager()) {
                Batch batch = batch(scope, split, start, Math.min(to, start + batchSize), 0);
                StepContext step = step(scope, true);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    LossTerms terms = learner.loss(batch, step);
                    collector.backward(terms.terms().get("answer-ce"));
                }
                for (Pair<String, Parameter> p : learner.model().getParameters()) {
                    NDArray w = p.getValue().getArray();
                    if (p.getValue().requiresGradient() && w.hasGradient()) {
                        NDArray g = w.getGradient();
                        g.attach(scope);
                        w.subi(g.mul(lr));
                    }
                }
                learner.afterStep(step);
                for (Pair<String, Parameter> p : learner.model().getParameters()) {
                    NDArray w = p.getValue().getArray();
                    if (p.getValue().requiresGradient() && w.hasGradient()) {
                        NDArray g = w.getGradient();
                        g.attach(scope);
                        g.subi(g);
                    }
                }
            }
        }
    }

    private static Batch batch(NDManager m, DatasetSplit split, int from, int to, int task) {
        List<Example> examples = new ArrayList<>();
        for (int i = from; i < to; i++) {
            examples.add(split.get(i));
        }
        int n = examples.size();
        float[] first = ((Feature.Floats) examples.get(0).features().get("image")).values();
        float[] all = new float[n * first.length];
        long[] ids = new long[n];
        Map<String, List<String>> texts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            float[] v = ((Feature.Floats) examples.get(i).features().get("image")).values();
            System.arraycopy(v, 0, all, i * v.length, v.length);
            ids[i] = examples.get(i).id();
            for (Map.Entry<String, String> t : examples.get(i).texts().entrySet()) {
                texts.computeIfAbsent(t.getKey(), k -> new ArrayList<>()).add(t.getValue());
            }
        }
        NDArray images = dev.perennial.models.nn.Owned.floats(m, all, new Shape(n, 3, 32, 32));
        images.setName("image");
        return new Batch(new NDList(images), Optional.empty(), Optional.empty(), ids, task, texts);
    }

    private static PluginContext context(NDManager manager, Path dir) {
        return context(manager, dir, null);
    }

    private static PluginContext context(NDManager manager, Path dir, ScenarioInfo scenario) {
        return TinyPtm.context(manager, scenario, dir);
    }

    private static StepContext step(NDManager m, boolean training) {
        return TinyPtm.step(m, 0, training, 0, 3, 0.1);
    }
}
