package dev.perennial.distillation.assistant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.perennial.distillation.Knowledge;
import dev.perennial.distillation.TokenPooling;
import dev.perennial.models.Backbone;
import dev.perennial.models.nn.LayerNorm;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.vit.VisionTransformer;
import dev.perennial.models.vit.VitBlock;
import dev.perennial.models.vit.VitOutput;
import java.util.ArrayList;
import java.util.List;

/**
 * ViT: front = patch embedding, class token, positions and blocks {@code 0 … cut−1}; back = the class token
 * prepended to the incoming patch tokens, blocks {@code cut …}, the final norm, the pooling and the head.
 */
final class VitStages implements StageSplit {
    private final VisionTransformer vit;
    private final TokenPooling pooling;
    private final int cut;

    VitStages(VisionTransformer vit, TokenPooling pooling) {
        this.vit = vit;
        this.pooling = pooling;
        this.cut = MixerStages.cut(vit.config().depth(), "ViT");
        if (vit.config().prompts().isPresent() || vit.config().ssf()) {
            throw new IllegalArgumentException("the assistant model does not cut a ViT with VPT prompts or SSF");
        }
        if (vit.head().isEmpty()) {
            throw new IllegalArgumentException("the assistant model needs a ViT with a classification head "
                    + "(numClasses > 0)");
        }
    }

    @Override
    public Backbone model() {
        return vit;
    }

    @Override
    public NDArray front(ParameterStore store, NDArray images, boolean training) {
        return vit.forwardAll(store, images, training).hiddenStates().get(cut);
    }

    @Override
    public Knowledge back(ParameterStore store, NDArray patchTokens, boolean training) {
        long b = patchTokens.getShape().get(0);
        long d = vit.config().embedDim();
        if (patchTokens.getShape().dimension() != 3 || patchTokens.getShape().get(2) != d) {
            throw new IllegalArgumentException("ViT stage 4 reads tokens (B, N, " + d + "); got "
                    + patchTokens.getShape());
        }
        NDArray cls = store.getValue(vit.clsToken(), patchTokens.getDevice(), training).broadcast(b, 1, d);
        NDArray x = cls.concat(patchTokens, 1);
        List<VitBlock> blocks = vit.blocks();
        for (int i = cut; i < blocks.size(); i++) {
            x = blocks.get(i).forward(store, x, training);
        }
        NDArray tokens = ((LayerNorm) StageSplit.child(vit, "norm")).forward(store, x, training);
        return knowledge(store, tokens, training);
    }

    @Override
    public Knowledge full(ParameterStore store, NDArray images, boolean training) {
        VitOutput out = vit.forwardAll(store, images, training);
        return knowledge(store, out.tokens(), training);
    }

    @Override
    public Staged fullWithStages(ParameterStore store, NDArray images, boolean training) {
        VitOutput out = vit.forwardAll(store, images, training);
        java.util.Map<String, NDArray> stages = new java.util.LinkedHashMap<>();
        for (int i = 0; i < vit.config().depth(); i++) {
            stages.put("blocks." + i, out.hiddenStates().get(i + 1));
        }
        return new Staged(knowledge(store, out.tokens(), training), stages);
    }

    /**
     * The pooling chooses only the feature f_X; the logits always come from the head's own input (the class token,
     * as timm trains it), so the teacher's logits are its real predictions whatever the feature pooling.
     */
    private Knowledge knowledge(ParameterStore store, NDArray tokens, boolean training) {
        NDArray cls = tokens.get(new NDIndex(":, 0, :"));
        NDArray feature = pooling == TokenPooling.CLS ? cls : tokens.get(new NDIndex(":, 1:, :")).mean(new int[] {1});
        return new Knowledge(feature, vit.head().orElseThrow().forward(store, cls, training));
    }

    @Override
    public List<Parameter> backParameters() {
        List<Block> blocks = new ArrayList<>(vit.blocks().subList(cut, vit.blocks().size()));
        blocks.add(StageSplit.child(vit, "norm"));
        Linear head = vit.head().orElseThrow();
        blocks.add(head);
        List<Parameter> out = new ArrayList<>(StageSplit.parametersOf(blocks));
        out.add(vit.clsToken());
        return out;
    }

    @Override
    public String frontStageName() {
        return "blocks." + (cut - 1);
    }
}
