package dev.perennial.llava;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.perennial.llava.generate.FinishReason;
import dev.perennial.llava.generate.GenerationConfig;
import dev.perennial.llava.generate.GenerationResult;
import dev.perennial.llava.image.LlavaImageProcessor;
import dev.perennial.llava.text.ConversationTemplate;
import dev.perennial.llava.text.LlavaTokenizer;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.pet.LoraConfig;
import dev.perennial.spi.ParameterGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The answer-only loss and LoRA + projector training with the base frozen. */
class LoraTrainingTest {
    private static final LoraConfig LORA =
            LoraConfig.of(4, 8f, "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    @TempDir
    Path dir;

    @Test
    void answerLossIsTheMeanCrossEntropyOfAnswerTokensOnly() throws IOException {
        try (NDManager manager = NDManager.newBaseManager();
                LlavaTokenizer tokenizer = LlavaTokenizer.open(TinyLlava.writeTokenizer(dir), 3, 1, 2)) {
            LlavaModel model = TinyLlava.model(manager);
            LlavaBatchEncoder encoder = new LlavaBatchEncoder(tokenizer, ConversationTemplate.vicunaV1(),
                    LlavaImageProcessor.llava15(16), 0);
            LlavaBatch batch = encoder.forTraining(manager, List.of(
                    LlavaExample.vqa(TinyLlava.image(1, 9, 5), "what color is this?", "red ."),
                    LlavaExample.vqa(TinyLlava.image(2, 6, 6), "what is this? a cat?", "a dog")));
            ParameterStore store = new ParameterStore(manager, false);
            float loss = model.answerLoss(store, manager, batch, false).getFloat();

            MultimodalSequences seq = model.embed(store, manager, batch, PaddingSide.RIGHT, false);
            NDArray logits = model.logits(store, manager, batch, PaddingSide.RIGHT, false).get(0);
            long[] labels = seq.labels().orElseThrow().toLongArray();
            int len = (int) logits.getShape().get(1);
            int vocab = 40;
            float[] l = logits.toFloatArray();
            double sum = 0;
            int count = 0;
            for (int b = 0; b < 2; b++) {
                for (int t = 0; t + 1 < len; t++) {
                    long target = labels[b * len + t + 1];
                    if (target == LlavaBatch.IGNORE_INDEX) {
                        continue;
                    }
                    int off = (b * len + t) * vocab;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int v = 0; v < vocab; v++) {
                        max = Math.max(max, l[off + v]);
                    }
                    double z = 0;
                    for (int v = 0; v < vocab; v++) {
                        z += Math.exp(l[off + v] - max);
                    }
                    sum += -(l[off + (int) target] - max - Math.log(z));
                    count++;
                }
            }
            // "red . </s>" and "a dog </s>": 6 learned tokens, every other position (prompt, 16 image features,
            // padding of the shorter sequence) ignored.
            assertEquals(6, count);
            assertEquals(sum / count, loss, 1e-4);
        }
    }

    @Test
    void loraAndProjectorLearnAFixedBatchWhileTheBaseStaysBitIdentical() throws IOException {
        try (NDManager manager = NDManager.newBaseManager();
                LlavaTokenizer tokenizer = LlavaTokenizer.open(TinyLlava.writeTokenizer(dir), 3, 1, 2)) {
            manager.getEngine().setRandomSeed(3);
            NDManager modelManager = manager.newSubManager();
            LlavaModel model = TinyLlava.model(modelManager);
            // A frozen random lm_head behind RMSNorm bounds every logit by about |h|·|row| ≈ 3, so no answer could
            // become confident (the loss would stall near 1); a trained head is larger. Scale it as one would be.
            model.languageModel().lmHead().orElseThrow().weight().getArray().muli(4f);
            LlavaLoraSetup setup = LlavaLoraSetup.apply(model, LORA, true);
            assertThrows(IllegalArgumentException.class,
                    () -> LlavaLoraSetup.apply(TinyLlava.model(manager), LoraConfig.of(4, 8f, "lm_head"), true));

            Map<String, Parameter> all = ParameterNames.of(model);
            Map<String, NDArray> frozenBefore = new HashMap<>();
            for (Map.Entry<String, Parameter> e : all.entrySet()) {
                boolean trainable = e.getKey().contains(".lora_") || e.getKey().startsWith("multi_modal_projector.");
                assertEquals(trainable, e.getValue().requiresGradient(), e.getKey());
                if (!trainable) {
                    frozenBefore.put(e.getKey(), e.getValue().getArray().duplicate());
                }
            }
            assertEquals(2 * 7 * 2 + 4, setup.trainableNames().size(), "A and B on 7 linears x 2 layers + projector");

            LlavaBatchEncoder encoder = new LlavaBatchEncoder(tokenizer, ConversationTemplate.vicunaV1(),
                    LlavaImageProcessor.llava15(16), 0);
            List<LlavaExample> examples = List.of(
                    LlavaExample.vqa(TinyLlava.image(1, 9, 5), "what color is this?", "red ."),
                    LlavaExample.vqa(TinyLlava.image(2, 6, 6), "what is this?", "a dog"));
            LlavaAssistant assistant = new LlavaAssistant(model, encoder);
            List<ParameterGroup> groups = setup.parameterGroups(LlavaLoraSetup.COIN_PROJECTOR_LR_SCALE);
            Adam adam = new Adam(manager, 1e-2, groups);
            float first = Float.NaN;
            float last = Float.NaN;
            int arraysAfterFirstStep = 0;
            for (int step = 0; step < 25; step++) {
                try (NDManager scope = manager.newSubManager()) {
                    ParameterStore store = new ParameterStore(scope, false);
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = assistant.loss(store, scope, examples, true);
                        collector.backward(loss);
                        last = loss.getFloat();
                        assertTrue(Float.isFinite(last), "step " + step + " loss " + last);
                    }
                }
                if (step == 0) {
                    first = last;
                    for (Map.Entry<String, Parameter> e : all.entrySet()) {
                        assertEquals(e.getValue().requiresGradient(), e.getValue().getArray().hasGradient(),
                                "only LoRA and the projector get gradients: " + e.getKey());
                    }
                }
                adam.step(all);
                if (step == 0) {
                    arraysAfterFirstStep = modelManager.getManagedArrays().size();
                }
            }
            assertEquals(arraysAfterFirstStep, modelManager.getManagedArrays().size(),
                    "no per-step arrays pile up in the model's managers");
            assertTrue(last < 0.05f * first, "loss " + first + " -> " + last);
            for (Map.Entry<String, NDArray> e : frozenBefore.entrySet()) {
                assertTrue(e.getValue().contentEquals(all.get(e.getKey()).getArray()), "frozen " + e.getKey());
            }

            try (NDManager scope = manager.newSubManager()) {
                List<GenerationResult> answers = assistant.answer(scope, List.of(
                                LlavaExample.prompt(TinyLlava.image(1, 9, 5), "what color is this?"),
                                LlavaExample.prompt(TinyLlava.image(2, 6, 6), "what is this?")),
                        GenerationConfig.greedy(6));
                assertEquals("red .", answers.get(0).text());
                assertEquals(FinishReason.EOS, answers.get(0).finishReason(), "the answer ends at </s>");
                assertEquals("a dog", answers.get(1).text());
            }

            Path saved = dir.resolve("adapter");
            setup.save(saved);
            LlavaModel fresh = TinyLlava.model(manager);
            for (Map.Entry<String, NDArray> e : frozenBefore.entrySet()) {
                e.getValue().copyTo(ParameterNames.of(fresh).get(e.getKey()).getArray());
            }
            LlavaLoraSetup.apply(fresh, LORA, true).load(saved);
            Map<String, Parameter> restored = ParameterNames.of(fresh);
            for (String name : setup.trainableNames()) {
                assertTrue(all.get(name).getArray().contentEquals(restored.get(name).getArray()), name);
            }
        }
    }

    /** AdamW without weight decay (HF defaults β = 0.9 / 0.999, ε = 1e-8), per-group learning-rate scales. */
    private static final class Adam {
        private final NDManager manager;
        private final double lr;
        private final List<ParameterGroup> groups;
        private final Map<String, NDArray[]> moments = new HashMap<>();
        private int t;

        Adam(NDManager manager, double lr, List<ParameterGroup> groups) {
            this.manager = manager;
            this.lr = lr;
            this.groups = groups;
        }

        void step(Map<String, Parameter> params) {
            t++;
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                if (!e.getValue().requiresGradient()) {
                    continue;
                }
                double scale = groups.stream()
                        .filter(g -> Pattern.compile(g.pattern()).matcher(e.getKey()).matches())
                        .mapToDouble(ParameterGroup::learningRateScale).findFirst().orElseThrow();
                NDArray w = e.getValue().getArray();
                try (NDManager scope = manager.newSubManager()) {
                    NDArray g = w.getGradient();
                    g.attach(scope);
                    NDArray[] m = moments.computeIfAbsent(e.getKey(),
                            k -> new NDArray[] {manager.zeros(w.getShape()), manager.zeros(w.getShape())});
                    m[0].muli(0.9f).addi(g.mul(0.1f));
                    m[1].muli(0.999f).addi(g.square().mul(0.001f));
                    float c1 = (float) (1 - Math.pow(0.9, t));
                    float c2 = (float) (1 - Math.pow(0.999, t));
                    NDArray update = m[0].div(c1).div(m[1].div(c2).sqrt().add(1e-8f)).mul((float) (lr * scale));
                    w.subi(update);
                    g.subi(g);
                }
            }
        }
    }
}
