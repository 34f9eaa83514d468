package dev.perennial.models.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.Backbone;
import dev.perennial.models.BackboneFeatures;
import dev.perennial.models.ModelFamily;
import dev.perennial.models.nn.FixedShapeBlock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CLIP vision tower (Radford et al. 2021) with Hugging Face {@code CLIPVisionModel} parameter names
 * ({@code vision_model.embeddings.patch_embedding.weight}, {@code vision_model.embeddings.class_embedding},
 * {@code vision_model.embeddings.position_embedding.weight}, {@code vision_model.pre_layrnorm.weight},
 * {@code vision_model.encoder.layers.N.self_attn.q_proj.weight}, {@code …layer_norm1}, {@code …mlp.fc1},
 * {@code vision_model.post_layernorm.weight}): quick-GELU, pre-layernorm, every hidden state returned so LLaVA can
 * take the penultimate one ({@link ClipVisionOutput#selectFeature}).
 *
 * <p>The DJL entry point maps images to {@code [last_hidden_state, pooler_output]}.
 */
public final class ClipVisionModel extends FixedShapeBlock implements Backbone {
    private final ClipVisionConfig config;
    private final ClipVisionTransformer visionModel;

    /**
     * Builds the tower (random initialisation; load a checkpoint over it).
     *
     * @param config the tower config
     */
    public ClipVisionModel(ClipVisionConfig config) {
        this.config = config;
        this.visionModel = addChildBlock("vision_model", new ClipVisionTransformer(config));
    }

    /** @return the config */
    public ClipVisionConfig config() {
        return config;
    }

    /** @return the tower body ({@code vision_model}) */
    public ClipVisionTransformer visionModel() {
        return visionModel;
    }

    /**
     * The forward pass with every hidden state.
     *
     * @param store the parameter store
     * @param images (B, C, H, W) at the configured size, normalised as the checkpoint expects
     * @param training whether this is a training pass
     * @return last hidden state, pooled output, hidden states
     */
    public ClipVisionOutput forwardAll(ParameterStore store, NDArray images, boolean training) {
        return visionModel.forwardAll(store, images, training);
    }

    @Override
    public ModelFamily family() {
        return ModelFamily.ATTENTION;
    }

    @Override
    public int featureDim() {
        return config.hiddenSize();
    }

    /** @return {@code encoder.layers.0 …} */
    @Override
    public List<String> stageNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            names.add("vision_model.encoder.layers." + i);
        }
        return names;
    }

    /** @return the pooled output and every layer's output */
    @Override
    public BackboneFeatures features(ParameterStore store, NDArray images, boolean training) {
        ClipVisionOutput out = forwardAll(store, images, training);
        Map<String, NDArray> stages = new LinkedHashMap<>();
        List<String> names = stageNames();
        for (int i = 0; i < names.size(); i++) {
            stages.put(names.get(i), out.hiddenStates().get(i + 1));
        }
        return new BackboneFeatures(out.pooledOutput(), stages);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return visionModel.forward(store, inputs, training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return visionModel.getOutputShapes(inputShapes);
    }
}
