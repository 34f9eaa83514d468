package dev.perennial.deepfake.sta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.LayerNorm;
import dev.perennial.models.nn.ModuleList;
import dev.perennial.models.vit.PatchEmbed;
import dev.perennial.models.vit.VisionTransformer;
import dev.perennial.models.vit.VitBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * An image ViT given temporal sight (specs/deepfake.md §B.1, B.3): clips (B, T, C, H, W) are embedded frame by
 * frame, a zero-initialised {@link TemporalEmbedding} is added, a {@link SpatiotemporalAdapter} follows every
 * transformer block ({@code x ← Block(x); x ← Adapter(x)}), and a {@link FrameAveragingHead} scores the clip
 * from the per-frame class tokens. With zero-initialised adapters and embedding, the per-frame class tokens equal
 * the plain ViT's.
 *
 * <p>The wrapped ViT keeps its parameter names under {@code vit.}; adapters are {@code adapters.<i>.*}. VPT prompts
 * and the final SSF pair of the ViT are not supported here (the constructor refuses them).
 */
public final class SpatiotemporalVit extends FixedShapeBlock {
    private final VisionTransformer vit;
    private final int frames;
    private final PatchEmbed patchEmbed;
    private final LayerNorm norm;
    private final TemporalEmbedding temporalEmbedding;
    private final ModuleList<SpatiotemporalAdapter> adapters;
    private final FrameAveragingHead head;

    /**
     * Wraps a ViT.
     *
     * @param vit the image backbone (its own head, if any, is not used)
     * @param adapter the adapter shape; its width must equal the ViT's embedding width
     * @param classes classes of the clip head (2)
     * @param dropout head dropout (0.5 in the released code)
     * @throws IllegalArgumentException when the widths differ or the ViT uses prompts or SSF
     */
    public SpatiotemporalVit(VisionTransformer vit, AdapterConfig adapter, int classes, float dropout) {
        if (adapter.width() != vit.config().embedDim()) {
            throw new IllegalArgumentException("spatiotemporal ViT: adapter width " + adapter.width()
                    + " differs from the ViT's embedding width " + vit.config().embedDim());
        }
        if (vit.promptTokens().isPresent() || vit.config().ssf()) {
            throw new IllegalArgumentException("spatiotemporal ViT: a ViT with VPT prompts or SSF is not supported");
        }
        this.vit = addChildBlock("vit", vit);
        this.frames = adapter.frames();
        this.patchEmbed = (PatchEmbed) child(vit, "patch_embed");
        this.norm = (LayerNorm) child(vit, "norm");
        this.temporalEmbedding = addChildBlock("temporal", new TemporalEmbedding(frames, adapter.width()));
        List<SpatiotemporalAdapter> list = new ArrayList<>();
        for (int i = 0; i < vit.blocks().size(); i++) {
            list.add(new SpatiotemporalAdapter(adapter));
        }
        this.adapters = addChildBlock("adapters", new ModuleList<>(list));
        this.head = addChildBlock("head", new FrameAveragingHead(adapter.width(), frames, classes, dropout));
    }

    private static Block child(Block parent, String name) {
        for (Pair<String, Block> p : parent.getChildren()) {
            if (p.getKey().equals(name) || p.getKey().endsWith(name)) {
                return p.getValue();
            }
        }
        throw new IllegalStateException("ViT has no child block '" + name + "'");
    }

    /**
     * The adapters, one per ViT block.
     *
     * @return the adapters
     */
    public List<SpatiotemporalAdapter> adapters() {
        return adapters.items();
    }

    /**
     * The wrapped ViT.
     *
     * @return the backbone
     */
    public VisionTransformer vit() {
        return vit;
    }

    /**
     * Which parameters train (§B.3.6): the released code fine-tunes everything; the paper speaks of adapter tuning,
     * which trains the adapters, the temporal embedding, the ViT's final norm and the head.
     *
     * @param policy the policy
     */
    public void applyFreezing(FreezingPolicy policy) {
        boolean frozen = policy == FreezingPolicy.ADAPTER_ONLY;
        for (Pair<String, Parameter> p : vit.getParameters()) {
            p.getValue().freeze(frozen);
        }
        for (Pair<String, Parameter> p : norm.getParameters()) {
            p.getValue().freeze(false);
        }
    }

    /** Which parameters train. */
    public enum FreezingPolicy {
        /** Everything trains (the released code). */
        FULL_FINETUNE,
        /** Adapters, temporal embedding, final norm and head train; the ViT is frozen (the paper's wording). */
        ADAPTER_ONLY
    }

    /**
     * Per-frame class tokens after the final norm.
     *
     * @param store the parameter store
     * @param clips (B, T, C, H, W)
     * @param training whether training
     * @return (B·T, D)
     */
    public NDArray frameFeatures(ParameterStore store, NDArray clips, boolean training) {
        Shape s = clips.getShape();
        if (s.dimension() != 5 || s.get(1) != frames) {
            throw new IllegalArgumentException("spatiotemporal ViT: expected clips (B, " + frames
                    + ", C, H, W), got " + s);
        }
        NDArray images = clips.reshape(s.get(0) * frames, s.get(2), s.get(3), s.get(4));
        NDArray x = patchEmbed.forward(store, images, training);
        long bt = x.getShape().get(0);
        int d = vit.config().embedDim();
        NDArray cls = store.getValue(vit.clsToken(), x.getDevice(), training).broadcast(bt, 1, d);
        x = cls.concat(x, 1).add(store.getValue(vit.posEmbed(), x.getDevice(), training));
        x = temporalEmbedding.forward(store, x, training);
        List<VitBlock> blocks = vit.blocks();
        for (int i = 0; i < blocks.size(); i++) {
            x = blocks.get(i).forward(store, x, training);
            x = adapters.get(i).forward(store, x, training);
        }
        return norm.forward(store, x, training).get(new NDIndex(":, 0, :"));
    }

    /**
     * Clip logits.
     *
     * @param store the parameter store
     * @param clips (B, T, C, H, W)
     * @param training whether training
     * @return (B, classes)
     */
    public NDArray forward(ParameterStore store, NDArray clips, boolean training) {
        return head.forward(store, frameFeatures(store, clips, training), training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return new NDList(forward(store, inputs.head(), training));
    }
}
