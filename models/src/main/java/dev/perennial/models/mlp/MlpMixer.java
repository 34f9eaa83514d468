package dev.perennial.models.mlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.Backbone;
import dev.perennial.models.BackboneFeatures;
import dev.perennial.models.ModelFamily;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.LayerNorm;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.ModuleList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MLP-Mixer (Tolstikhin et al. 2021) with timm's module tree and names: {@code stem.proj} (patch embedding,
 * a P×P/P convolution), {@code blocks.N.norm1}, {@code blocks.N.mlp_tokens.fc1/fc2}, {@code blocks.N.norm2},
 * {@code blocks.N.mlp_channels.fc1/fc2}, the final {@code norm}, mean pooling over tokens, and {@code head}.
 *
 * <p>Stages are the block outputs {@code blocks.0 …}, each {@code (N, S, C)}; the pooled features are the mean
 * over tokens after the final norm.
 */
public final class MlpMixer extends FixedShapeBlock implements Backbone {
    private final MlpMixerConfig config;
    private final PatchStem stem;
    private final List<MixerBlock> blocks = new ArrayList<>();
    private final List<String> stageNames;
    private final LayerNorm norm;
    private final Linear head;

    /**
     * Builds the network with fresh initial weights.
     *
     * @param config the configuration
     */
    public MlpMixer(MlpMixerConfig config) {
        this.config = config;
        stem = addChildBlock("stem", new PatchStem(config));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < config.depth(); i++) {
            blocks.add(new MixerBlock(config));
            names.add("blocks." + i);
        }
        stageNames = Collections.unmodifiableList(names);
        addChildBlock("blocks", new ModuleList<>(blocks));
        norm = addChildBlock("norm", new LayerNorm(config.embedDim(), config.layerNormEps()));
        head = config.numClasses() > 0 ? addChildBlock("head", new Linear(config.embedDim(),
                config.numClasses(), true)) : null;
    }

    /**
     * The configuration.
     *
     * @return the configuration
     */
    public MlpMixerConfig config() {
        return config;
    }

    @Override
    public ModelFamily family() {
        return ModelFamily.MLP;
    }

    @Override
    public int featureDim() {
        return config.embedDim();
    }

    @Override
    public List<String> stageNames() {
        return stageNames;
    }

    @Override
    public BackboneFeatures features(ParameterStore store, NDArray input, boolean training) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        NDArray pooled = run(store, input, training, out);
        return new BackboneFeatures(pooled, out);
    }

    private NDArray run(ParameterStore store, NDArray x, boolean training, Map<String, NDArray> stageOut) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != config.inChannels() || s.get(2) != config.imageSize()
                || s.get(3) != config.imageSize()) {
            throw new IllegalArgumentException("MlpMixer: expected images (N, " + config.inChannels() + ", "
                    + config.imageSize() + ", " + config.imageSize() + "), got " + s
                    + " (the token-mixing MLPs fix the number of patches)");
        }
        NDArray y = stem.forward(store, x, training);
        for (int i = 0; i < blocks.size(); i++) {
            y = blocks.get(i).forward(store, y, training);
            if (stageOut != null) {
                stageOut.put(stageNames.get(i), y);
            }
        }
        return norm.forward(store, y, training).mean(new int[] {1});
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray pooled = run(store, inputs.head(), training, null);
        return new NDList(head == null ? pooled : head.forward(store, pooled, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {new Shape(n, head == null ? featureDim() : config.numClasses())};
    }
}
