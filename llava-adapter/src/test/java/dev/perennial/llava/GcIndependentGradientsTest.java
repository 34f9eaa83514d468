package dev.perennial.llava;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.perennial.llava.image.LlavaImageProcessor;
import dev.perennial.llava.text.ConversationTemplate;
import dev.perennial.llava.text.LlavaTokenizer;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.nn.GcStress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LLaVA answer loss's gradients do not depend on the garbage collector (issue 16, item 2): the same
 * forward/backward with a forced, waited-for collection between the forward and the backward pass gives bit-identical
 * gradients for every parameter (CLIP tower, projector, LLaMA decoder).
 *
 * <p>The defect it guards against: the decoder's SiLU was DJL's {@code Activation.swish(x, 1)}, which computes
 * {@code x.mul(1f)} with a from-blob scalar that it closes at once while autograd keeps it for the backward pass. A
 * collection before backward freed the scalar, the backward read freed memory, and the continual-VQA sample's losses
 * differed between processes (always under a small young generation). With the old activation this test's
 * gradients differed after the collection.
 */
class GcIndependentGradientsTest {
    @TempDir
    Path dir;

    private static Map<String, float[]> gradients(LlavaModel model, LlavaBatchEncoder encoder, NDManager manager,
                                                  boolean collectBeforeBackward) {
        Map<String, Parameter> parameters = ParameterNames.of(model);
        try (NDManager step = manager.newSubManager()) {
            LlavaBatch batch = encoder.forTraining(step, List.of(
                    LlavaExample.vqa(TinyLlava.image(1, 9, 5), "what color is this?", "red ."),
                    LlavaExample.vqa(TinyLlava.image(2, 6, 6), "what is this? a cat?", "a dog")));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.zeroGradients();
                NDArray loss = model.answerLoss(new ParameterStore(step, false), step, batch, true);
                if (collectBeforeBackward) {
                    GcStress.collect();
                }
                collector.backward(loss);
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
                NDArray g = e.getValue().getArray().getGradient();
                out.put(e.getKey(), g.toFloatArray());
                g.close();
            }
            return out;
        }
    }

    @Test
    void aCollectionBetweenForwardAndBackwardLeavesEveryGradientBitIdentical() throws IOException {
        try (NDManager manager = NDManager.newBaseManager();
                LlavaTokenizer tokenizer = LlavaTokenizer.open(TinyLlava.writeTokenizer(dir), 3, 1, 2)) {
            manager.getEngine().setRandomSeed(11);
            LlavaModel model = TinyLlava.model(manager.newSubManager());
            LlavaBatchEncoder encoder = new LlavaBatchEncoder(tokenizer, ConversationTemplate.vicunaV1(),
                    LlavaImageProcessor.llava15(16), 0);
            Map<String, float[]> reference = gradients(model, encoder, manager, false);
            assertFalse(reference.isEmpty());
            for (int repeat = 0; repeat < 2; repeat++) {
                Map<String, float[]> collected = gradients(model, encoder, manager, true);
                assertEquals(reference.keySet(), collected.keySet());
                for (Map.Entry<String, float[]> e : reference.entrySet()) {
                    assertArrayEquals(e.getValue(), collected.get(e.getKey()),
                            "gradient of " + e.getKey() + " after a collection before backward (repeat " + repeat
                                    + ")");
                }
            }
        }
    }
}
