package dev.perennial.deepfake.sta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.cnn.BatchNorm2d;
import dev.perennial.models.nn.FixedShapeBlock;

/**
 * DW_k of specs/deepfake.md §B.1.2: BN(DWConv_k(ReLU(BN(DWConv_k(ReLU(BN(DWConv_k(V)))))))), three depthwise
 * convolutions of one kernel shape, each followed by batch norm, with ReLU between them.
 */
public final class DepthwiseConvStack extends FixedShapeBlock {
    private final DepthwiseConv3d[] convs = new DepthwiseConv3d[3];
    private final BatchNorm2d[] norms = new BatchNorm2d[3];

    /**
     * Creates the stack.
     *
     * @param channels C'
     * @param kernel (k_t, k_h, k_w), odd
     */
    public DepthwiseConvStack(int channels, Shape kernel) {
        for (int i = 0; i < 3; i++) {
            convs[i] = addChildBlock("conv" + i, new DepthwiseConv3d(channels, kernel));
            // BatchNorm3d normalises over axis 1 exactly as BatchNorm2d does; the models block serves both.
            norms[i] = addChildBlock("bn" + i, new BatchNorm2d(channels));
        }
    }

    /**
     * Applies the stack.
     *
     * @param store the parameter store
     * @param x (B, C', T, H, W)
     * @param training whether training (batch statistics and running-statistics update)
     * @return (B, C', T, H, W)
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        NDArray h = x;
        for (int i = 0; i < 3; i++) {
            h = norms[i].forward(store, convs[i].forward(store, h, training), training);
            if (i < 2) {
                h = Activation.relu(h);
            }
        }
        return h;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return new NDList(forward(store, inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
