package dev.perennial.models.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.ModuleList;
import java.util.ArrayList;
import java.util.List;

/**
 * MobileNetV2's inverted residual (Sandler et al. 2018, Table 1) with torchvision's names under {@code conv}:
 * an optional 1×1 expansion ({@code conv.0}, when t ≠ 1), a 3×3 depthwise convolution, both with ReLU6, then a
 * linear 1×1 projection and batch norm (the last two children). The input is added back when the stride is 1
 * and the width is unchanged.
 */
final class InvertedResidual extends FixedShapeBlock {
    private final ModuleList<Block> conv;
    private final boolean residual;
    private final int stride;
    private final int out;

    InvertedResidual(int in, int out, int stride, int expandRatio) {
        this.stride = stride;
        this.out = out;
        int hidden = Math.round((float) in * expandRatio);
        List<Block> layers = new ArrayList<>();
        if (expandRatio != 1) {
            layers.add(new ConvBnReLU6(in, hidden, 1, 1, 1));
        }
        layers.add(new ConvBnReLU6(hidden, hidden, 3, stride, hidden));
        layers.add(new Conv2dLayer(hidden, out, 1, 1, 0, 1, false));
        layers.add(new BatchNorm2d(out));
        conv = addChildBlock("conv", new ModuleList<>(layers));
        residual = stride == 1 && in == out;
    }

    int stride() {
        return stride;
    }

    NDArray forward(ParameterStore store, NDArray x, boolean training) {
        NDArray y = conv.forward(store, new NDList(x), training).singletonOrThrow();
        return residual ? y.add(x) : y;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(forward(store, inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), out, (s.get(2) - 1) / stride + 1, (s.get(3) - 1) / stride + 1)};
    }
}
