package dev.perennial.distillation.assistant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.distillation.Knowledge;
import dev.perennial.models.nn.FixedShapeBlock;

/**
 * The fusion (assistant) model of cakd.md §2.2 from stage 3 on:
 * <pre>
 *   p_F(x) = fc_m ∘ S_m^4 ∘ L2G ( S_c^3 ∘ S_c^2 ∘ S_c^1 (x) )
 * </pre>
 * Stages 1–3 are run by whoever owns them (the student's own pass, whose stage-3 output the learner hands over,
 * or the frozen teacher's front), so the fusion model shares those modules by construction: the same output of
 * the same blocks feeds it. Stage 4 and the head are {@code back}, a {@link StageSplit} of the other side's
 * model, run with that model's own blocks (shared instances). The only parameters of its own are the
 * {@link LocalToGlobalProjector}'s, plus, when the stage-4 side had to be copied (an unfrozen copy of the
 * teacher's stage 4, or a copy of a student the distiller cannot reach), that copy, registered as child
 * {@code back_copy}.
 */
public final class FusionModel extends FixedShapeBlock {
    private final LocalToGlobalProjector l2g;
    private final StageSplit back;
    private final boolean backTrains;

    /**
     * Creates the model.
     *
     * @param l2g the projector
     * @param back stage 4 and head of the attention / MLP side (or of the teacher, for a homogeneous pair)
     * @param backTrains whether stage 4 runs in training mode (false for the frozen teacher's own modules)
     * @param ownsBack whether {@code back}'s model is a private copy that this block owns (and checkpoints)
     */
    public FusionModel(LocalToGlobalProjector l2g, StageSplit back, boolean backTrains, boolean ownsBack) {
        this.l2g = addChildBlock("l2g", l2g);
        this.back = back;
        this.backTrains = backTrains;
        if (ownsBack) {
            addChildBlock("back_copy", back.model());
        }
    }

    /**
     * The projector.
     *
     * @return the L2G projector
     */
    public LocalToGlobalProjector projector() {
        return l2g;
    }

    /**
     * Stage 4 and head.
     *
     * @return the split that runs them
     */
    public StageSplit back() {
        return back;
    }

    /**
     * Runs L2G, stage 4 and the head on a stage-3 output.
     *
     * @param store the parameter store
     * @param stage3 a CNN map {@code (B, C, H, W)} or tokens {@code (B, T, D)} (square grid, optionally with a
     *     leading class token)
     * @param training training mode (the frozen teacher's stage 4 always runs in evaluation mode)
     * @return the fusion model's pooled feature and logits
     */
    public Knowledge forward(ParameterStore store, NDArray stage3, boolean training) {
        NDArray projected = l2g.forward(store, toMap(stage3), training);
        return back.back(store, projected, training && backTrains);
    }

    /**
     * Brings a stage-3 output into map form {@code (B, C, g, g)}: a CNN map as it is; tokens of a square grid
     * (with or without a leading class token, which is dropped) reshaped to their grid.
     *
     * @param x the stage-3 output
     * @return the map
     * @throws IllegalArgumentException when the tokens do not form a square grid
     */
    public static NDArray toMap(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() == 4) {
            return x;
        }
        if (s.dimension() != 3) {
            throw new IllegalArgumentException("a stage-3 output must be a map (B, C, H, W) or tokens (B, T, D);"
                    + " got " + s);
        }
        long t = s.get(1);
        long g = Math.round(Math.sqrt(t));
        NDArray tokens = x;
        if (g * g != t) {
            g = Math.round(Math.sqrt(t - 1));
            if (g * g != t - 1) {
                throw new IllegalArgumentException("stage-3 tokens " + s + " do not form a square grid (with or "
                        + "without a class token)");
            }
            tokens = x.get(new NDIndex(":, 1:, :"));
        }
        return tokens.transpose(0, 2, 1).reshape(s.get(0), s.get(2), g, g);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        Knowledge k = forward(store, inputs.singletonOrThrow(), training);
        return new NDList(k.features(), k.logits());
    }
}
