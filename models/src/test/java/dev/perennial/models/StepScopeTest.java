package dev.perennial.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.engine.Engine;
import ai.djl.nn.Block;
import dev.perennial.models.clip.ClipVisionConfig;
import dev.perennial.models.clip.ClipVisionModel;
import dev.perennial.models.cnn.MobileNetV2;
import dev.perennial.models.cnn.MobileNetV2Config;
import dev.perennial.models.cnn.ResNet;
import dev.perennial.models.cnn.ResNetConfig;
import dev.perennial.models.llama.LlamaConfig;
import dev.perennial.models.llama.LlamaForCausalLM;
import dev.perennial.models.mlp.MlpMixer;
import dev.perennial.models.mlp.MlpMixerConfig;
import dev.perennial.models.nn.ActivationFunction;
import dev.perennial.models.pet.AdapterConfig;
import dev.perennial.models.pet.PromptConfig;
import dev.perennial.models.vit.VisionTransformer;
import dev.perennial.models.vit.VitConfig;
import java.util.Optional;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A forward and backward pass whose input lives in a caller's step manager must leave nothing in the model's own
 * manager: DJL attaches an operation's result to the manager of its first operand, so a layer that starts from a
 * parameter (an embedding lookup, a class token) would otherwise pile one set of arrays per step into the
 * parameters' manager of any caller that does not wrap the pass in an {@code NDScope}.
 */
class StepScopeTest {
    private NDManager modelManager;

    @BeforeEach
    void open() {
        modelManager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        modelManager.close();
    }

    /** Runs three training passes, each in a fresh step manager, and checks the model manager stays flat. */
    private void assertStepsLeaveModelManagerFlat(
            Block block, Shape inputShape, BiFunction<ParameterStore, NDArray, NDArray> pass, DataType inputType) {
        block.initialize(modelManager, DataType.FLOAT32, inputShape);
        int[] counts = new int[3];
        for (int step = 0; step < counts.length; step++) {
            try (NDManager stepManager = NDManager.newBaseManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray input = inputType == DataType.INT64
                        ? stepManager.randomInteger(0, 60, inputShape, DataType.INT64)
                        : stepManager.randomNormal(inputShape);
                NDArray out = pass.apply(new ParameterStore(stepManager, false), input);
                collector.backward(out.square().mean());
            }
            counts[step] = modelManager.getManagedArrays().size();
        }
        assertEquals(counts[0], counts[1], block.getClass().getSimpleName() + ": arrays in the model manager");
        assertEquals(counts[1], counts[2], block.getClass().getSimpleName() + ": arrays in the model manager");
    }

    @Test
    void visionTransformer() {
        VisionTransformer vit = new VisionTransformer(VitConfig.of(16, 4, 32, 2, 4, 10));
        assertStepsLeaveModelManagerFlat(vit, new Shape(2, 3, 16, 16),
                (store, x) -> vit.forwardAll(store, x, true).logits().orElseThrow(), DataType.FLOAT32);
    }

    @Test
    void visionTransformerWithDeepPromptsAndAdapters() {
        VisionTransformer vit = new VisionTransformer(VitConfig.of(16, 4, 32, 2, 4, 10)
                .withPrompts(PromptConfig.deep(3)).withAdapter(AdapterConfig.safeDefaults()).withSsf(true));
        assertStepsLeaveModelManagerFlat(vit, new Shape(2, 3, 16, 16),
                (store, x) -> vit.forwardAll(store, x, true).pooled(), DataType.FLOAT32);
    }

    @Test
    void resNetAndMobileNet() {
        ResNet resnet = new ResNet(ResNetConfig.resnet18(3).withBaseWidth(4).withCifarStem());
        assertStepsLeaveModelManagerFlat(resnet, new Shape(2, 3, 16, 16),
                (store, x) -> resnet.features(store, x, true).pooled(), DataType.FLOAT32);
        MobileNetV2 mobile = new MobileNetV2(
                MobileNetV2Config.standard(5).withWidthMultiplier(0.25f).withLastChannels(16));
        assertStepsLeaveModelManagerFlat(mobile, new Shape(2, 3, 16, 16),
                (store, x) -> mobile.features(store, x, true).pooled(), DataType.FLOAT32);
    }

    @Test
    void mlpMixer() {
        MlpMixer mixer = new MlpMixer(new MlpMixerConfig(16, 4, 3, 16, 2, 0.5, 4.0, 10, 1e-6f));
        assertStepsLeaveModelManagerFlat(mixer, new Shape(2, 3, 16, 16),
                (store, x) -> mixer.features(store, x, true).pooled(), DataType.FLOAT32);
    }

    @Test
    void clipVision() {
        ClipVisionModel clip = new ClipVisionModel(
                new ClipVisionConfig(16, 4, 3, 32, 64, 3, 4, 1e-5f, ActivationFunction.QUICK_GELU));
        assertStepsLeaveModelManagerFlat(clip, new Shape(2, 3, 16, 16),
                (store, x) -> clip.features(store, x, true).pooled(), DataType.FLOAT32);
    }

    @Test
    void llama() {
        LlamaForCausalLM llama = new LlamaForCausalLM(LlamaConfig.of(64, 32, 64, 2, 4, 2, 1e-6f, 500.0));
        assertStepsLeaveModelManagerFlat(llama, new Shape(2, 5),
                (store, ids) -> llama.forward(store, ids, Optional.empty(), Optional.empty(), true).logits().orElseThrow(),
                DataType.INT64);
    }
}
