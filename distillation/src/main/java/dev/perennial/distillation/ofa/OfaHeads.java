package dev.perennial.distillation.ofa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.perennial.models.cnn.BatchNorm2d;
import dev.perennial.models.cnn.Conv2dLayer;
import dev.perennial.models.nn.ActivationFunction;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.LayerNorm;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.ModuleList;
import dev.perennial.models.nn.ParameterInit;
import dev.perennial.models.vit.VitBlock;
import dev.perennial.models.vit.VitConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OFA's per-stage projector heads (Hao840/OFAKD {@code distillers/ofa.py}, {@code distillers/utils.py}), one per
 * configured student stage, each mapping that stage's output to class logits; the block {@code ofa} trains
 * alongside the student (children {@code stage1} … {@code stage4}). With F_S, F_T the pooled feature widths of
 * student and teacher and F = max(F_S, F_T):
 * <ul>
 *   <li><b>CNN student</b>, stage k &lt; 4: 4 − k {@link SepConv}s (each halves the grid; the channels double,
 *       the last one maps to F), then global average pooling and {@code Linear(F, classes)}; stage 4: a 1×1
 *       convolution (with bias) to F, pooling and the linear layer.</li>
 *   <li><b>ViT / MLP-Mixer student</b> (tokens {@code (B, T, D)}, a ViT's class token first): when the patch grid
 *       g = ⌊√T⌋ is at least 14, ⌊log₂(g/7)⌋ {@link PatchMerging}s (the first to F_S with GELU, the last without
 *       activation) on the patch tokens, the class token passing by; then max(4 − k, 1) transformer blocks of
 *       width F_S with 4 heads (timm {@code Block} defaults: MLP ratio 4, no qkv bias, LayerNorm ε 1e-5); then the
 *       class token (ViT) or the mean over tokens (Mixer); then {@code Linear(F_S, classes)}.</li>
 * </ul>
 * Initialisation as OFAKD's {@code init_weights}: convolutions Kaiming-normal in fan-out mode, batch norms γ = 1,
 * β = 0, linear layers truncated normal (σ 0.02) with zero bias.
 */
public final class OfaHeads extends FixedShapeBlock {
    /** The grid OFAKD merges ViT / Mixer patch tokens down towards ({@code final_patch_grid}). */
    static final int FINAL_PATCH_GRID = 7;
    /** Heads of the transformer blocks of a token head ({@code Block(dim=feature_dim_s, num_heads=4)}). */
    static final int TOKEN_HEAD_HEADS = 4;

    private final Map<Integer, StageHead> heads = new LinkedHashMap<>();

    /**
     * The shape of one student stage output, as the head for it reads it.
     *
     * @param stage OFA stage 1..4
     * @param shape {@code (C, H, W)} for a CNN map, {@code (T, D)} for tokens (without the batch axis)
     */
    public record StageShape(int stage, Shape shape) {}

    /**
     * Builds the heads.
     *
     * @param stages the stage outputs' shapes, in stage order
     * @param studentDim F_S, the student's pooled feature width
     * @param teacherDim F_T, the teacher's pooled feature width
     * @param classTokens class tokens leading a token stage (1 for ViT, 0 for Mixer; ignored for maps)
     * @param numClasses the classes
     */
    public OfaHeads(List<StageShape> stages, int studentDim, int teacherDim, int classTokens, int numClasses) {
        for (StageShape s : stages) {
            StageHead head = s.shape().dimension() == 3
                    ? cnnHead(s.stage(), s.shape(), studentDim, teacherDim, numClasses)
                    : tokenHead(s.stage(), s.shape(), studentDim, classTokens, numClasses);
            heads.put(s.stage(), addChildBlock("stage" + s.stage(), head));
        }
    }

    /**
     * The head of one stage.
     *
     * @param stage 1..4
     * @return the head
     * @throws IllegalArgumentException when the stage has none
     */
    public StageHead head(int stage) {
        StageHead h = heads.get(stage);
        if (h == null) {
            throw new IllegalArgumentException("ofa has no head for stage " + stage + "; heads: " + heads.keySet());
        }
        return h;
    }

    /**
     * The stages with a head.
     *
     * @return stage numbers in order
     */
    public List<Integer> stages() {
        return List.copyOf(heads.keySet());
    }

    private static StageHead cnnHead(int stage, Shape chw, int studentDim, int teacherDim, int numClasses) {
        int in = (int) chw.get(0);
        int out = Math.max(studentDim, teacherDim);
        List<Block> body = new ArrayList<>();
        if (stage != 4) {
            int blocks = 4 - stage;
            int c = in;
            for (int i = 0; i < blocks; i++) {
                body.add(new SepConv(c, i == blocks - 1 ? out : c * 2));
                c *= 2;
            }
        } else {
            body.add(fanOut(new Conv2dLayer(in, out, 1, 1, 0, 1, true), out, 1));
        }
        return new StageHead(body, StageHead.Pool.MAP, 0, truncatedLinear(out, numClasses), chw);
    }

    private static StageHead tokenHead(int stage, Shape td, int studentDim, int classTokens, int numClasses) {
        int tokens = (int) td.get(0);
        int width = (int) td.get(1);
        int grid = (int) Math.sqrt(tokens);
        int merges = Math.max((int) (Math.log((double) grid / FINAL_PATCH_GRID) / Math.log(2)), 0);
        List<Block> mergers = new ArrayList<>();
        for (int i = 0; i < merges; i++) {
            int g = grid >> i;
            // OFAKD: GELU after the first merger and after every merger but the last.
            mergers.add(new PatchMerging(g, i == 0 ? width : studentDim, studentDim, i == 0 || i != merges - 1));
        }
        if (merges > 0 && classTokens > 0 && width != studentDim) {
            throw new IllegalArgumentException("ofa: the stage-" + stage + " tokens have width " + width + " but the"
                    + " student's feature width is " + studentDim + "; OFA's token head keeps the class token beside"
                    + " merged patches of the feature width, so they must agree");
        }
        if (studentDim % TOKEN_HEAD_HEADS != 0) {
            throw new IllegalArgumentException("ofa: the student's feature width " + studentDim + " must be a multiple"
                    + " of " + TOKEN_HEAD_HEADS + " (the heads of OFA's token-head blocks)");
        }
        List<Block> body = new ArrayList<>();
        VitConfig block = new VitConfig(1, 1, 1, studentDim, 1, TOKEN_HEAD_HEADS, 4.0, false, 0, 1e-5f,
                Optional.empty(), false, Optional.empty());
        for (int i = 0; i < Math.max(4 - stage, 1); i++) {
            body.add(truncatedLinears(new VitBlock(block)));
        }
        StageHead.Pool pool = classTokens > 0 ? StageHead.Pool.CLASS_TOKEN : StageHead.Pool.MEAN_TOKENS;
        StageHead head = new StageHead(body, pool, classTokens, truncatedLinear(studentDim, numClasses), td);
        head.setMergers(mergers);
        return head;
    }

    private static Linear truncatedLinear(int in, int out) {
        return truncatedLinears(new Linear(in, out, true));
    }

    /** OFAKD's init_weights for every linear layer inside a block: trunc-normal σ 0.02 weights, zero biases. */
    static <B extends Block> B truncatedLinears(B block) {
        if (block instanceof Linear l) {
            l.weight().setInitializer(ParameterInit.truncatedNormal(0.02f));
            l.bias().ifPresent(b -> b.setInitializer(ParameterInit.ZEROS));
        }
        for (Pair<String, Block> child : block.getChildren()) {
            truncatedLinears(child.getValue());
        }
        return block;
    }

    /** torch's {@code kaiming_normal_(mode='fan_out')}: σ = √(2 / (out·k·k)), groups not dividing fan-out. */
    static Conv2dLayer fanOut(Conv2dLayer conv, int out, int kernel) {
        Parameter w = conv.getParameters().get("weight");
        w.setInitializer(new NormalInitializer((float) Math.sqrt(2.0 / (out * kernel * kernel))));
        return conv;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        throw new UnsupportedOperationException("OFA heads are run stage by stage by OfaDistiller.loss");
    }

    /**
     * One stage's head.
     */
    public static final class StageHead extends FixedShapeBlock {
        enum Pool { MAP, CLASS_TOKEN, MEAN_TOKENS }

        private final ModuleList<Block> body;
        private ModuleList<Block> mergers;
        private final Pool pool;
        private final int classTokens;
        private final Linear fc;
        private final Shape input;

        StageHead(List<Block> body, Pool pool, int classTokens, Linear fc, Shape input) {
            this.body = addChildBlock("body", new ModuleList<>(body));
            this.pool = pool;
            this.classTokens = classTokens;
            this.fc = addChildBlock("fc", fc);
            this.input = input;
        }

        void setMergers(List<Block> merging) {
            this.mergers = merging.isEmpty() ? null : addChildBlock("merge", new ModuleList<>(merging));
        }

        /**
         * The input shape this head reads (without the batch axis).
         *
         * @return {@code (C, H, W)} or {@code (T, D)}
         */
        public Shape inputShape() {
            return input;
        }

        /**
         * The blocks before the pooling: SepConvs or the 1×1 convolution for a map, transformer blocks for tokens.
         *
         * @return the blocks
         */
        public List<Block> body() {
            return body.items();
        }

        /**
         * The patch mergers of a token head (none below a 14×14 grid).
         *
         * @return the mergers
         */
        public List<Block> mergers() {
            return mergers == null ? List.of() : mergers.items();
        }

        /**
         * The final linear layer.
         *
         * @return {@code Linear(F, classes)}
         */
        public Linear fc() {
            return fc;
        }

        /**
         * The head's logits for a stage output.
         *
         * @param store the parameter store
         * @param x {@code (B, C, H, W)} or {@code (B, T, D)}
         * @param training training mode
         * @return {@code (B, classes)}
         */
        public NDArray forward(ParameterStore store, NDArray x, boolean training) {
            Shape s = x.getShape();
            if (s.dimension() != input.dimension() + 1 || !s.slice(1).equals(input)) {
                throw new IllegalArgumentException("ofa: a stage head expects the student's stage output (B, "
                        + input + ") as built from config 'student'; got " + s + " (does 'student' describe the"
                        + " learner's model?)");
            }
            NDArray y = x;
            if (mergers != null) {
                NDArray cls = y.get(new NDIndex(":, :" + classTokens + ", :"));
                NDArray patches = y.get(new NDIndex(":, " + classTokens + ":, :"));
                for (Block m : mergers.items()) {
                    patches = ((PatchMerging) m).forward(store, patches, training);
                }
                y = classTokens > 0 ? cls.concat(patches, 1) : patches;
            }
            for (Block b : body.items()) {
                y = b instanceof VitBlock v ? v.forward(store, y, training)
                        : b.forward(store, new NDList(y), training).singletonOrThrow();
            }
            NDArray pooled = switch (pool) {
                case MAP -> y.reshape(y.getShape().get(0), y.getShape().get(1), -1).mean(new int[] {2});
                case CLASS_TOKEN -> y.get(new NDIndex(":, 0, :"));
                case MEAN_TOKENS -> y.mean(new int[] {1});
            };
            return fc.forward(store, pooled, training);
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                PairList<String, Object> params) {
            return new NDList(forward(store, inputs.singletonOrThrow(), training));
        }
    }

    /**
     * OFAKD's {@code SepConv}: depthwise 3×3 stride 2, pointwise 1×1, BN, ReLU, depthwise 3×3, pointwise 1×1 to
     * the output channels, BN, ReLU (no convolution biases).
     */
    static final class SepConv extends FixedShapeBlock {
        private final List<Block> ops = new ArrayList<>();

        SepConv(int in, int out) {
            ops.add(addChildBlock("dw1", fanOut(new Conv2dLayer(in, in, 3, 2, 1, in, false), in, 3)));
            ops.add(addChildBlock("pw1", fanOut(new Conv2dLayer(in, in, 1, 1, 0, 1, false), in, 1)));
            ops.add(addChildBlock("bn1", new BatchNorm2d(in)));
            ops.add(addChildBlock("dw2", fanOut(new Conv2dLayer(in, in, 3, 1, 1, in, false), in, 3)));
            ops.add(addChildBlock("pw2", fanOut(new Conv2dLayer(in, out, 1, 1, 0, 1, false), out, 1)));
            ops.add(addChildBlock("bn2", new BatchNorm2d(out)));
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                PairList<String, Object> params) {
            NDArray y = inputs.singletonOrThrow();
            for (int i = 0; i < ops.size(); i++) {
                y = ops.get(i).forward(store, new NDList(y), training).singletonOrThrow();
                if (i == 2 || i == 5) {
                    y = ActivationFunction.RELU.apply(y);
                }
            }
            return new NDList(y);
        }
    }

    /**
     * Swin's patch merging as OFAKD uses it: the 2×2 neighbours (order (0,0), (1,0), (0,1), (1,1) in (row,
     * column)) concatenated, LayerNorm(4·D) (ε 1e-5), {@code Linear(4·D, out)} without bias, then GELU (the first
     * merger, and every one but the last) or nothing.
     */
    static final class PatchMerging extends FixedShapeBlock {
        private final int grid;
        private final int dim;
        private final LayerNorm norm;
        private final Linear reduction;
        private final boolean gelu;

        PatchMerging(int grid, int dim, int out, boolean gelu) {
            if (grid % 2 != 0) {
                throw new IllegalArgumentException("ofa: patch merging needs an even token grid, got " + grid + "x"
                        + grid);
            }
            this.grid = grid;
            this.dim = dim;
            this.norm = addChildBlock("norm", new LayerNorm(4L * dim, 1e-5f));
            this.reduction = addChildBlock("reduction", truncatedLinears(new Linear(4L * dim, out, false)));
            this.gelu = gelu;
        }

        NDArray forward(ParameterStore store, NDArray x, boolean training) {
            long b = x.getShape().get(0);
            if (x.getShape().get(1) != (long) grid * grid || x.getShape().get(2) != dim) {
                throw new IllegalArgumentException("ofa: patch merging expects (B, " + grid * grid + ", " + dim
                        + ") patch tokens, got " + x.getShape());
            }
            int h = grid / 2;
            // (B, H/2, a, W/2, c, D) -> (B, H/2, W/2, c, a, D): channel blocks in the order x0 (a0 c0), x1 (a1 c0),
            // x2 (a0 c1), x3 (a1 c1).
            NDArray y = x.reshape(b, h, 2, h, 2, dim).transpose(0, 1, 3, 4, 2, 5).reshape(b, (long) h * h, 4L * dim);
            y = reduction.forward(store, norm.forward(store, y, training), training);
            return gelu ? ActivationFunction.GELU.apply(y) : y;
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                PairList<String, Object> params) {
            return new NDList(forward(store, inputs.singletonOrThrow(), training));
        }
    }
}
