package dev.perennial.deepfake.sta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;

/**
 * The I3D-style head of specs/deepfake.md §B.1.3: per-frame class tokens → average over the T frames
 * (AdaptiveAvgPool3d) → Dropout(p) → Linear(D, classes). Averaging makes it invariant to frame order (V9).
 */
public final class FrameAveragingHead extends FixedShapeBlock {
    private final int frames;
    private final float dropout;
    private final Linear fc;

    /**
     * Creates the head.
     *
     * @param width D
     * @param frames T
     * @param classes output classes (2: real, fake)
     * @param dropout the dropout probability (0.5 in the released code)
     */
    public FrameAveragingHead(int width, int frames, int classes, float dropout) {
        if (!(dropout >= 0 && dropout < 1) || frames <= 0) {
            throw new IllegalArgumentException("frame-averaging head: dropout must be in [0, 1) and frames > 0; got "
                    + dropout + ", " + frames);
        }
        this.frames = frames;
        this.dropout = dropout;
        this.fc = addChildBlock("fc", new Linear(width, classes, true));
    }

    /**
     * Scores clips.
     *
     * @param store the parameter store
     * @param frameTokens (B·T, D), frame-major within each clip
     * @param training whether training (dropout on)
     * @return logits (B, classes)
     */
    public NDArray forward(ParameterStore store, NDArray frameTokens, boolean training) {
        long bt = frameTokens.getShape().get(0);
        if (bt % frames != 0) {
            throw new IllegalArgumentException("frame-averaging head: " + bt + " frame tokens are not whole clips of "
                    + frames + " frames");
        }
        NDArray pooled = frameTokens.reshape(bt / frames, frames, -1).mean(new int[] {1});
        if (training && dropout > 0) {
            pooled = Dropout.dropout(pooled, dropout, true).singletonOrThrow();
        }
        return fc.forward(store, pooled, training);
    }

    /**
     * The final linear layer.
     *
     * @return the classifier
     */
    public Linear classifier() {
        return fc;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return new NDList(forward(store, inputs.head(), training));
    }
}
