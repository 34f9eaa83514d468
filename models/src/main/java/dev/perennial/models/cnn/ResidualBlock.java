package dev.perennial.models.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.ModuleList;
import java.util.List;

/**
 * torchvision's {@code BasicBlock} and {@code Bottleneck}: {@code relu(F(x) + shortcut(x))} where the shortcut
 * is the identity or {@code downsample} (a strided 1×1 convolution and batch norm, children {@code 0} and
 * {@code 1}) when the stride or width changes (He et al. 2016, option B).
 */
final class ResidualBlock extends FixedShapeBlock {
    private final List<Conv2dLayer> convs;
    private final List<BatchNorm2d> norms;
    private final ModuleList<Block> downsample;
    private final int stride;
    private final int outChannels;

    /**
     * Creates a block.
     *
     * @param type basic or bottleneck
     * @param in input channels
     * @param planes planes (output is {@code planes·expansion})
     * @param stride stride of the 3×3 convolution
     */
    ResidualBlock(ResNetConfig.Block type, int in, int planes, int stride) {
        this.stride = stride;
        this.outChannels = planes * type.expansion();
        if (type == ResNetConfig.Block.BASIC) {
            Conv2dLayer c1 = new Conv2dLayer(in, planes, 3, stride, 1, 1, false);
            Conv2dLayer c2 = new Conv2dLayer(planes, planes, 3, 1, 1, 1, false);
            addChildBlock("conv1", c1);
            BatchNorm2d b1 = addChildBlock("bn1", new BatchNorm2d(planes));
            addChildBlock("conv2", c2);
            BatchNorm2d b2 = addChildBlock("bn2", new BatchNorm2d(planes));
            convs = List.of(c1, c2);
            norms = List.of(b1, b2);
        } else {
            Conv2dLayer c1 = addChildBlock("conv1", new Conv2dLayer(in, planes, 1, 1, 0, 1, false));
            BatchNorm2d b1 = addChildBlock("bn1", new BatchNorm2d(planes));
            Conv2dLayer c2 = addChildBlock("conv2", new Conv2dLayer(planes, planes, 3, stride, 1, 1, false));
            BatchNorm2d b2 = addChildBlock("bn2", new BatchNorm2d(planes));
            Conv2dLayer c3 = addChildBlock("conv3", new Conv2dLayer(planes, outChannels, 1, 1, 0, 1, false));
            BatchNorm2d b3 = addChildBlock("bn3", new BatchNorm2d(outChannels));
            convs = List.of(c1, c2, c3);
            norms = List.of(b1, b2, b3);
        }
        downsample = stride != 1 || in != outChannels
                ? addChildBlock("downsample", new ModuleList<>(List.of(
                        new Conv2dLayer(in, outChannels, 1, stride, 0, 1, false), new BatchNorm2d(outChannels))))
                : null;
    }

    int outChannels() {
        return outChannels;
    }

    NDArray forward(ParameterStore store, NDArray x, boolean training) {
        NDArray y = x;
        for (int i = 0; i < convs.size(); i++) {
            y = norms.get(i).forward(store, convs.get(i).forward(store, y, training), training);
            if (i < convs.size() - 1) {
                y = Activation.relu(y);
            }
        }
        NDArray shortcut = downsample == null ? x
                : downsample.forward(store, new NDList(x), training).singletonOrThrow();
        return Activation.relu(y.add(shortcut));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(forward(store, inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), outChannels, (s.get(2) - 1) / stride + 1,
                (s.get(3) - 1) / stride + 1)};
    }
}
