package dev.perennial.models.mlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.cnn.Conv2dLayer;
import dev.perennial.models.nn.FixedShapeBlock;

/**
 * timm's {@code PatchEmbed} as Mixer's {@code stem}: a P×P stride-P convolution ({@code proj}) whose output
 * {@code (N, C, H/P, W/P)} is flattened to tokens {@code (N, S, C)}.
 */
final class PatchStem extends FixedShapeBlock {
    private final Conv2dLayer proj;
    private final int embedDim;

    PatchStem(MlpMixerConfig c) {
        embedDim = c.embedDim();
        proj = addChildBlock("proj", new Conv2dLayer(c.inChannels(), c.embedDim(), c.patchSize(), c.patchSize(), 0,
                1, true));
    }

    NDArray forward(ParameterStore store, NDArray x, boolean training) {
        NDArray p = proj.forward(store, x, training);
        Shape s = p.getShape();
        return p.reshape(s.get(0), embedDim, s.get(2) * s.get(3)).transpose(0, 2, 1);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(forward(store, inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape o = proj.getOutputShapes(inputShapes)[0];
        return new Shape[] {new Shape(o.get(0), o.get(2) * o.get(3), embedDim)};
    }
}
