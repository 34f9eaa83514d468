package dev.perennial.distillation.assistant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.perennial.distillation.Knowledge;
import dev.perennial.models.Backbone;
import dev.perennial.models.BackboneFeatures;
import dev.perennial.models.mlp.MlpMixer;
import dev.perennial.models.nn.ModuleList;
import java.util.ArrayList;
import java.util.List;

/**
 * MLP-Mixer: front = patch stem and blocks {@code 0 … cut−1}; back = blocks {@code cut …}, the final norm, the mean
 * over tokens and the head. The token-mixing MLPs fix the number of tokens stage 4 accepts.
 */
final class MixerStages implements StageSplit {
    private final MlpMixer mixer;
    private final List<Block> blocks;
    private final int cut;

    MixerStages(MlpMixer mixer) {
        this.mixer = mixer;
        @SuppressWarnings("unchecked")
        ModuleList<Block> list = (ModuleList<Block>) StageSplit.child(mixer, "blocks");
        this.blocks = list.items();
        this.cut = cut(blocks.size(), "MLP-Mixer");
        if (mixer.config().numClasses() < 1) {
            throw new IllegalArgumentException("the assistant model needs an MLP-Mixer with a classification head");
        }
    }

    /** Stage 4 of an isotropic model is its last quarter of blocks (at least one block on each side). */
    static int cut(int depth, String what) {
        if (depth < 2) {
            throw new IllegalArgumentException(what + " of depth " + depth + " cannot be cut into stages 1-3 and "
                    + "stage 4; depth >= 2 is needed");
        }
        return Math.max(1, Math.min(depth - 1, (int) Math.round(3.0 * depth / 4.0)));
    }

    @Override
    public Backbone model() {
        return mixer;
    }

    @Override
    public NDArray front(ParameterStore store, NDArray images, boolean training) {
        return mixer.features(store, images, training).stage(frontStageName());
    }

    @Override
    public Knowledge back(ParameterStore store, NDArray tokens, boolean training) {
        long n = mixer.config().numTokens();
        long d = mixer.config().embedDim();
        if (tokens.getShape().dimension() != 3 || tokens.getShape().get(1) != n || tokens.getShape().get(2) != d) {
            throw new IllegalArgumentException("MLP-Mixer stage 4 reads tokens (B, " + n + ", " + d + "); got "
                    + tokens.getShape());
        }
        NDArray x = tokens;
        for (int i = cut; i < blocks.size(); i++) {
            x = ResNetStages.run(blocks.get(i), store, x, training);
        }
        NDArray pooled = ResNetStages.run(StageSplit.child(mixer, "norm"), store, x, training).mean(new int[] {1});
        return new Knowledge(pooled, head(store, pooled, training));
    }

    @Override
    public Knowledge full(ParameterStore store, NDArray images, boolean training) {
        BackboneFeatures f = mixer.features(store, images, training);
        return new Knowledge(f.pooled(), head(store, f.pooled(), training));
    }

    @Override
    public Staged fullWithStages(ParameterStore store, NDArray images, boolean training) {
        BackboneFeatures f = mixer.features(store, images, training);
        return new Staged(new Knowledge(f.pooled(), head(store, f.pooled(), training)), f.stages());
    }

    private NDArray head(ParameterStore store, NDArray pooled, boolean training) {
        return StageSplit.child(mixer, "head").forward(store, new NDList(pooled), training).singletonOrThrow();
    }

    @Override
    public List<Parameter> backParameters() {
        List<Block> parts = new ArrayList<>(blocks.subList(cut, blocks.size()));
        parts.add(StageSplit.child(mixer, "norm"));
        parts.add(StageSplit.child(mixer, "head"));
        return StageSplit.parametersOf(parts);
    }

    @Override
    public String frontStageName() {
        return "blocks." + (cut - 1);
    }
}
