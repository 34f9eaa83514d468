package dev.perennial.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.Backbone;
import dev.perennial.models.BackboneFeatures;
import dev.perennial.models.ModelFamily;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.LayerNorm;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.ModuleList;
import dev.perennial.models.nn.ParameterInit;
import dev.perennial.models.pet.PromptConfig;
import dev.perennial.models.pet.ScaleShift;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Vision Transformer (Dosovitskiy et al. 2021) whose parameters carry timm's names, so
 * {@code ParameterNames.of(vit)} lists {@code cls_token}, {@code pos_embed}, {@code patch_embed.proj.weight},
 * {@code blocks.N.norm1.weight}, {@code blocks.N.attn.qkv.weight}, {@code blocks.N.mlp.fc1.weight}, {@code norm.weight},
 * {@code head.weight}, … exactly as a timm state dict, and PET modules appear under the names of SAFE's reference
 * code ({@code blocks.N.adaptmlp.down_proj.weight}, {@code blocks.N.attn.ssf_scale_1}, {@code Prompt_Tokens}).
 *
 * <p>The DJL entry point ({@link #forward(ParameterStore, NDList, boolean)}) maps images (B, C, H, W) to logits, or
 * to the pooled feature when the model has no head; {@link #forwardAll} returns every intermediate.
 */
public final class VisionTransformer extends FixedShapeBlock implements Backbone {
    private final VitConfig config;
    private final Parameter clsToken;
    private final Parameter posEmbed;
    private final Parameter promptTokens;
    private final ScaleShift ssfNorm;
    private final PatchEmbed patchEmbed;
    private final ModuleList<VitBlock> blocks;
    private final LayerNorm norm;
    private final Linear head;

    /**
     * Builds the model with timm's initialisation (trunc-normal 0.02 for positions, 1e-6 for the class token,
     * torch defaults elsewhere; pre-trained weights are expected to be loaded over it).
     *
     * @param config the shape and PET switches
     */
    public VisionTransformer(VitConfig config) {
        this.config = config;
        int d = config.embedDim();
        this.clsToken = registerParameter(
                "cls_token", Parameter.Type.WEIGHT, new Shape(1, 1, d), ParameterInit.normal(0f, 1e-6f));
        this.posEmbed = registerParameter(
                "pos_embed",
                Parameter.Type.WEIGHT,
                new Shape(1, 1 + config.numPatches(), d),
                ParameterInit.truncatedNormal(0.02f));
        this.promptTokens = config.prompts().map(p -> registerParameter(
                        "Prompt_Tokens",
                        Parameter.Type.WEIGHT,
                        new Shape(p.deep() ? config.depth() : 1, p.count(), d),
                        promptInit(p)))
                .orElse(null);
        if (config.ssf()) {
            ssfNorm = new ScaleShift(1, d);
            addParameter(ssfNorm.scale());
            addParameter(ssfNorm.shift());
        } else {
            ssfNorm = null;
        }
        this.patchEmbed = addChildBlock("patch_embed", new PatchEmbed(config));
        List<VitBlock> list = new ArrayList<>();
        for (int i = 0; i < config.depth(); i++) {
            list.add(new VitBlock(config));
        }
        this.blocks = addChildBlock("blocks", new ModuleList<>(list));
        this.norm = addChildBlock("norm", new LayerNorm(d, config.layerNormEps()));
        this.head = config.numClasses() > 0
                ? addChildBlock("head", new Linear(d, config.numClasses(), true))
                : null;
    }

    private ai.djl.training.initializer.Initializer promptInit(PromptConfig p) {
        if (p.init() == PromptConfig.Init.ZEROS) {
            return ParameterInit.ZEROS;
        }
        int patchArea = config.patchSize() * config.patchSize();
        return ParameterInit.uniform((float) Math.sqrt(6.0 / (3.0 * patchArea + config.embedDim())));
    }

    /** @return the config */
    public VitConfig config() {
        return config;
    }

    /** @return the class token, (1, 1, D) */
    public Parameter clsToken() {
        return clsToken;
    }

    /** @return the position embedding, (1, 1 + N, D) */
    public Parameter posEmbed() {
        return posEmbed;
    }

    /** @return the VPT prompts, (depth or 1, p, D), if configured */
    public Optional<Parameter> promptTokens() {
        return Optional.ofNullable(promptTokens);
    }

    /** @return the transformer blocks */
    public List<VitBlock> blocks() {
        return blocks.items();
    }

    /** @return the classification head, if the model has one */
    public Optional<Linear> head() {
        return Optional.ofNullable(head);
    }

    /**
     * Copies a position embedding into {@code pos_embed}, resampling it first when it was trained for another
     * grid (square grids; timm {@code resample_abs_pos_embed}).
     *
     * @param source (1, 1 + n², D) from a checkpoint
     * @param mode interpolation used when the grid differs ({@link PositionEmbeddingResampler#TIMM_DEFAULT})
     */
    public void loadPositionEmbedding(NDArray source, PositionEmbeddingResampler.Mode mode) {
        Shape s = source.getShape();
        long d = config.embedDim();
        long grid = s.dimension() == 3 ? Math.round(Math.sqrt(s.get(1) - 1)) : -1;
        if (s.dimension() != 3 || s.get(0) != 1 || s.get(2) != d || grid * grid != s.get(1) - 1) {
            throw new IllegalArgumentException(
                    "pos_embed from the checkpoint must be (1, 1 + n*n, " + d + "), got " + s);
        }
        NDArray target = posEmbed.getArray();
        if (grid == config.gridSize()) {
            source.copyTo(target);
            return;
        }
        try (NDArray resized = PositionEmbeddingResampler.resample(
                source, 1, (int) grid, (int) grid, config.gridSize(), config.gridSize(), mode)) {
            resized.copyTo(target);
        }
    }

    /**
     * The full forward pass.
     *
     * @param store the parameter store
     * @param images (B, C, H, W), H = W = the configured image size
     * @param training whether this is a training pass
     * @return tokens, pooled feature, logits and per-layer hidden states
     */
    public VitOutput forwardAll(ParameterStore store, NDArray images, boolean training) {
        NDArray x = patchEmbed.forward(store, images, training);
        long batch = x.getShape().get(0);
        int d = config.embedDim();
        NDArray cls = inPassScope(value(store, clsToken, x, training).broadcast(batch, 1, d), x);
        x = cls.concat(x, 1).add(value(store, posEmbed, x, training));
        List<NDArray> hidden = new ArrayList<>();
        hidden.add(x);
        Optional<PromptConfig> prompts = config.prompts();
        NDArray allPrompts = promptTokens == null ? null : value(store, promptTokens, x, training);
        int p = prompts.map(PromptConfig::count).orElse(0);
        boolean deep = prompts.map(PromptConfig::deep).orElse(false);
        PromptConfig.Position position = prompts.map(PromptConfig::position).orElse(PromptConfig.Position.APPENDED);
        if (allPrompts != null && !deep) {
            x = insertPrompts(x, inPassScope(allPrompts.get(new NDIndex("0")), x), batch, position);
        }
        List<VitBlock> list = blocks.items();
        for (int i = 0; i < list.size(); i++) {
            if (allPrompts != null && deep) {
                // VPT-Deep: fresh prompts for every block, their outputs discarded (VPT eq. 6).
                x = insertPrompts(x, inPassScope(allPrompts.get(new NDIndex(i)), x), batch, position);
                x = removePrompts(list.get(i).forward(store, x, training), p, position);
            } else {
                x = list.get(i).forward(store, x, training);
            }
            hidden.add(x);
        }
        if (allPrompts != null && !deep) {
            x = removePrompts(x, p, position);
        }
        NDArray tokens = norm.forward(store, x, training);
        if (ssfNorm != null) {
            tokens = ssfNorm.apply(store, tokens, training);
        }
        NDArray pooled = tokens.get(new NDIndex(":, 0, :"));
        Optional<NDArray> logits = head == null ? Optional.empty() : Optional.of(head.forward(store, pooled, training));
        return new VitOutput(tokens, pooled, logits, List.copyOf(hidden));
    }

    /**
     * A forward pass with per-input prompts (L2P's prompt-tuning at the input, DualPrompt's and CODA-Prompt's
     * prefix-tuning; prompts.md §1.2). The ViT's own VPT prompts are not combined with these.
     *
     * @param store the parameter store
     * @param images (B, C, H, W)
     * @param training whether this is a training pass
     * @param prompts the prepended tokens and per-block prefixes
     * @return the final normed tokens, prompts first
     */
    public PromptedVitOutput forwardPrompted(
            ParameterStore store, NDArray images, boolean training, PromptInjection prompts) {
        if (promptTokens != null) {
            throw new IllegalStateException("forwardPrompted: this ViT has its own VPT prompts (config.prompts); build"
                    + " it without them");
        }
        for (int layer : prompts.prefixes().keySet()) {
            if (layer < 0 || layer >= config.depth()) {
                throw new IllegalArgumentException("prefix for block " + layer + "; the ViT has blocks 0.."
                        + (config.depth() - 1));
            }
        }
        NDArray x = patchEmbed.forward(store, images, training);
        long batch = x.getShape().get(0);
        int d = config.embedDim();
        NDArray cls = inPassScope(value(store, clsToken, x, training).broadcast(batch, 1, d), x);
        x = cls.concat(x, 1).add(value(store, posEmbed, x, training));
        if (prompts.prepended().isPresent()) {
            NDArray p = prompts.prepended().get();
            if (p.getShape().dimension() != 3 || p.getShape().get(0) != batch || p.getShape().get(2) != d) {
                throw new IllegalArgumentException("prepended prompts must be (" + batch + ", P, " + d + "), got "
                        + p.getShape());
            }
            x = p.concat(x, 1);
        }
        List<VitBlock> list = blocks.items();
        for (int i = 0; i < list.size(); i++) {
            x = list.get(i).forward(store, x, training, prompts.prefixes().get(i));
        }
        NDArray tokens = norm.forward(store, x, training);
        if (ssfNorm != null) {
            tokens = ssfNorm.apply(store, tokens, training);
        }
        return new PromptedVitOutput(tokens, prompts.prependedCount());
    }

    private static NDArray insertPrompts(
            NDArray x, NDArray prompts, long batch, PromptConfig.Position position) {
        Shape ps = prompts.getShape();
        NDArray expanded = prompts.expandDims(0).broadcast(batch, ps.get(0), ps.get(1));
        if (position == PromptConfig.Position.APPENDED) {
            return x.concat(expanded, 1);
        }
        return new NDList(x.get(new NDIndex(":, :1, :")), expanded, x.get(new NDIndex(":, 1:, :"))).stream()
                .reduce((a, b) -> a.concat(b, 1))
                .orElseThrow();
    }

    private static NDArray removePrompts(NDArray x, int count, PromptConfig.Position position) {
        long tokens = x.getShape().get(1);
        if (position == PromptConfig.Position.APPENDED) {
            return x.get(new NDIndex(":, :" + (tokens - count) + ", :"));
        }
        return x.get(new NDIndex(":, :1, :")).concat(x.get(new NDIndex(":, " + (1 + count) + ":, :")), 1);
    }

    @Override
    public ModelFamily family() {
        return ModelFamily.ATTENTION;
    }

    @Override
    public int featureDim() {
        return config.embedDim();
    }

    /** @return {@code blocks.0 … blocks.(depth−1)} */
    @Override
    public List<String> stageNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < config.depth(); i++) {
            names.add("blocks." + i);
        }
        return names;
    }

    /** @return the class-token feature and every block output (hidden states 1 … depth of {@link #forwardAll}) */
    @Override
    public BackboneFeatures features(ParameterStore store, NDArray images, boolean training) {
        VitOutput out = forwardAll(store, images, training);
        Map<String, NDArray> stages = new LinkedHashMap<>();
        for (int i = 0; i < config.depth(); i++) {
            stages.put("blocks." + i, out.hiddenStates().get(i + 1));
        }
        return new BackboneFeatures(out.pooled(), stages);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        VitOutput out = forwardAll(store, inputs.singletonOrThrow(), training);
        return new NDList(out.logits().orElse(out.pooled()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long batch = inputShapes[0].get(0);
        return new Shape[] {new Shape(batch, config.numClasses() > 0 ? config.numClasses() : config.embedDim())};
    }
}
