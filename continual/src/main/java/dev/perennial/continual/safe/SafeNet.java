package dev.perennial.continual.safe;

import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.continual.ptm.CosineHead;
import dev.perennial.continual.ptm.PtmBackboneConfig;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.vit.VisionTransformer;

/**
 * SAFE's parameters as one block, so the loop optimizes and checkpoints them together: the frozen PTM teacher
 * ({@code ptm}, no PET), the slow learner ({@code slow} + {@code slow_head}) and the fast learner ({@code fast} +
 * {@code fast_head}). Slow and fast hold their own copy of the PTM weights (frozen) with their own PET module.
 */
public final class SafeNet extends FixedShapeBlock {
    private final VisionTransformer ptm;
    private final VisionTransformer slow;
    private final CosineHead slowHead;
    private final VisionTransformer fast;
    private final CosineHead fastHead;

    /**
     * Builds the (uninitialized) network.
     *
     * @param backbone the PTM and PET settings
     * @param classes every class of the scenario
     */
    public SafeNet(PtmBackboneConfig backbone, int classes) {
        this.ptm = addChildBlock("ptm", new VisionTransformer(backbone.vitConfig(false)));
        this.slow = addChildBlock("slow", new VisionTransformer(backbone.vitConfig(true)));
        this.slowHead = addChildBlock("slow_head", new CosineHead(classes, backbone.embedDim(),
                CosineHead.SIGMA_INIT));
        this.fast = addChildBlock("fast", new VisionTransformer(backbone.vitConfig(true)));
        this.fastHead = addChildBlock("fast_head", new CosineHead(classes, backbone.embedDim(),
                CosineHead.SIGMA_INIT));
    }

    /** @return the frozen PTM teacher */
    public VisionTransformer ptm() {
        return ptm;
    }

    /** @return the slow learner's backbone (PTM + S-PET) */
    public VisionTransformer slow() {
        return slow;
    }

    /** @return W_slow and σ_S */
    public CosineHead slowHead() {
        return slowHead;
    }

    /** @return the fast learner's backbone (PTM + F-PET) */
    public VisionTransformer fast() {
        return fast;
    }

    /** @return W_fast and σ_F */
    public CosineHead fastHead() {
        return fastHead;
    }

    /** The fast learner's cosine logits (the DJL entry point; SAFE predicts with its analytic heads instead). */
    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return new NDList(fastHead.logits(store,
                fast.features(store, inputs.singletonOrThrow(), training).pooled(), training));
    }
}
