package dev.perennial.models.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.clip.ClipVisionConfig;
import dev.perennial.models.clip.ClipVisionModel;
import dev.perennial.models.nn.ActivationFunction;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.pet.LoraConfig;
import dev.perennial.models.pet.LoraLayers;
import dev.perennial.models.pet.ParameterFreezer;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The blocks compose the way LLaVA uses them: CLIP penultimate patches → projector → spliced into LLaMA inputs. */
class LlavaStyleCompositionTest {

    @Test
    void imageFeaturesSplicedIntoTheDecoderTrainOnlyLoraAndProjector() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ClipVisionModel clip = new ClipVisionModel(
                    new ClipVisionConfig(16, 4, 3, 24, 48, 3, 4, 1e-5f, ActivationFunction.QUICK_GELU));
            LlamaForCausalLM llama = new LlamaForCausalLM(LlamaConfig.of(50, 32, 64, 2, 4, 2, 1e-6f, 10000.0));
            Linear projector = new Linear(24, 32, true);
            clip.initialize(manager, DataType.FLOAT32);
            llama.initialize(manager, DataType.FLOAT32);
            projector.initialize(manager, DataType.FLOAT32);
            clip.freezeParameters(true);
            LoraLayers lora = LoraLayers.inject(llama, LoraConfig.llacaDefaults());
            ParameterFreezer.trainOnly(llama, lora.parameterNames());
            lora.adapters().values().forEach(a -> a.loraB().weight().getArray().addi(0.01f));

            ParameterStore store = new ParameterStore(manager, false);
            NDArray images = manager.randomNormal(new Shape(2, 3, 16, 16));
            NDArray before = manager.create(new long[] {1, 5, 7, 1, 5, 8}).reshape(2, 3);
            NDArray after = manager.create(new long[] {9, 3, 2, 9, 4, 2}).reshape(2, 3);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray image = clip.forwardAll(store, images, false).selectFeature(-2, true); // (2, 16, 24)
                NDArray imageTokens = projector.forward(store, image, true); // (2, 16, 32)
                NDArray embeds = llama.embed(store, before, true)
                        .concat(imageTokens, 1)
                        .concat(llama.embed(store, after, true), 1); // (2, 22, 32)
                NDArray logits = llama.forwardEmbeddings(store, embeds, Optional.empty(), Optional.empty(), true)
                        .logits().orElseThrow();
                assertEquals(new Shape(2, 22, 50), logits.getShape());
                collector.backward(logits.logSoftmax(-1).get(":, -1, 3").neg().mean());
            }
            assertTrue(projector.weight().getArray().getGradient().abs().sum().getFloat() > 0, "projector trains");
            for (Map.Entry<String, Parameter> e : ParameterNames.of(llama).entrySet()) {
                boolean isLora = e.getKey().contains(".lora_");
                assertEquals(isLora, e.getValue().getArray().hasGradient(), e.getKey());
            }
            for (Parameter p : ParameterNames.of(clip).values()) {
                assertFalse(p.getArray().hasGradient(), "the vision tower stays frozen");
            }
        }
    }
}
