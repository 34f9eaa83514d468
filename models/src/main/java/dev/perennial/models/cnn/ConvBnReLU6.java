package dev.perennial.models.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Scalars;

/**
 * torchvision's {@code Conv2dNormActivation} as MobileNetV2 uses it: convolution (child {@code 0}, no bias,
 * "same" padding), batch norm (child {@code 1}), ReLU6.
 */
final class ConvBnReLU6 extends FixedShapeBlock {
    private final Conv2dLayer conv;
    private final BatchNorm2d norm;

    ConvBnReLU6(int in, int out, int kernel, int stride, int groups) {
        conv = addChildBlock("0", new Conv2dLayer(in, out, kernel, stride, (kernel - 1) / 2, groups, false));
        norm = addChildBlock("1", new BatchNorm2d(out));
    }

    NDArray forward(ParameterStore store, NDArray x, boolean training) {
        // min(relu(x), 6) as DJL's Activation.relu6, but with the 6 an array of the step's manager: relu6 takes the
        // minimum with a from-blob scalar it closes at once, which autograd keeps for the backward pass.
        return Scalars.minimum(Activation.relu(norm.forward(store, conv.forward(store, x, training), training)), 6f);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(forward(store, inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return conv.getOutputShapes(inputShapes);
    }
}
