package dev.perennial.deepfake.sta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.ParameterInit;

/**
 * The temporal embedding E ∈ R^{1×T×D} of specs/deepfake.md §B.1.1, zero-initialised, added to every token of
 * frame τ; at initialisation it is a no-op (V8).
 */
public final class TemporalEmbedding extends FixedShapeBlock {
    private final int frames;
    private final int width;
    private final Parameter embedding;

    /**
     * Creates the embedding.
     *
     * @param frames T
     * @param width D
     */
    public TemporalEmbedding(int frames, int width) {
        this.frames = frames;
        this.width = width;
        embedding = registerParameter("temporal_embedding", Parameter.Type.WEIGHT, new Shape(1, frames, width),
                ParameterInit.ZEROS);
    }

    /**
     * Adds E[τ] to every token of frame τ.
     *
     * @param store the parameter store
     * @param tokens (B·T, S, D), frame-major within each clip
     * @param training whether training
     * @return the same shape
     */
    public NDArray forward(ParameterStore store, NDArray tokens, boolean training) {
        Shape s = tokens.getShape();
        if (s.dimension() != 3 || s.get(0) % frames != 0 || s.get(2) != width) {
            throw new IllegalArgumentException("temporal embedding: expected (B*" + frames + ", S, " + width
                    + ") tokens, got " + s);
        }
        NDArray e = value(store, embedding, tokens, training).reshape(1, frames, 1, width);
        return tokens.reshape(s.get(0) / frames, frames, s.get(1), width).add(e).reshape(s);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return new NDList(forward(store, inputs.head(), training));
    }
}
