package dev.perennial.continual.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.Backbone;
import dev.perennial.models.BackboneFeatures;
import dev.perennial.models.ModelFamily;
import dev.perennial.models.nn.ChannelPaddedConvolution;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two-convolution network continual-learning papers use on MNIST-sized images: conv 3×3 (c₁) → ReLU →
 * max-pool 2 → conv 3×3 (c₂) → ReLU → max-pool 2 → flatten → linear (d) → ReLU. Its pooled features are the
 * d-dimensional output; stages are {@code conv1}, {@code conv2}, {@code fc}.
 */
public final class SmallConvNet extends AbstractBlock implements Backbone {
    private static final byte VERSION = 1;
    private final Conv2d conv1;
    private final Conv2d conv2;
    private final Linear fc;
    private final int featureDim;

    /**
     * Creates the network.
     *
     * @param channels1 filters of the first convolution
     * @param channels2 filters of the second convolution
     * @param featureDim width of the feature layer
     */
    public SmallConvNet(int channels1, int channels2, int featureDim) {
        super(VERSION);
        this.featureDim = featureDim;
        conv1 = addChildBlock("conv1", Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                .setFilters(channels1).build());
        conv2 = addChildBlock("conv2", Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                .setFilters(channels2).build());
        fc = addChildBlock("fc", Linear.builder().setUnits(featureDim).build());
    }

    @Override
    public ModelFamily family() {
        return ModelFamily.CNN;
    }

    @Override
    public int featureDim() {
        return featureDim;
    }

    @Override
    public List<String> stageNames() {
        return List.of("conv1", "conv2", "fc");
    }

    @Override
    public BackboneFeatures features(ParameterStore ps, NDArray input, boolean training) {
        Map<String, NDArray> stages = new LinkedHashMap<>();
        NDArray x = Activation.relu(convolve(ps, conv1, input, training));
        stages.put("conv1", x);
        x = Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
        x = Activation.relu(convolve(ps, conv2, x, training));
        stages.put("conv2", x);
        x = Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
        x = x.reshape(x.getShape().get(0), -1);
        x = Activation.relu(fc.forward(ps, new NDList(x), training).singletonOrThrow());
        stages.put("fc", x);
        return new BackboneFeatures(x, stages);
    }

    /**
     * A 3×3, padding-1 convolution with the block's parameters, through {@link ChannelPaddedConvolution} (libtorch
     * 2.7.1's CPU forward was wrong for input-channel counts above 8 that are not multiples of 8; README "Status").
     */
    private static NDArray convolve(ParameterStore ps, Conv2d conv, NDArray x, boolean training) {
        NDArray w = ps.getValue(conv.getParameters().get("weight"), x.getDevice(), training);
        NDArray b = ps.getValue(conv.getParameters().get("bias"), x.getDevice(), training);
        return ChannelPaddedConvolution.conv2d(x, w, b, new Shape(1, 1), new Shape(1, 1));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return new NDList(features(ps, inputs.singletonOrThrow(), training).pooled());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), featureDim)};
    }

    @Override
    protected void initializeChildBlocks(ai.djl.ndarray.NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        conv1.initialize(manager, dataType, in);
        Shape s1 = conv1.getOutputShapes(new Shape[] {in})[0];
        Shape p1 = new Shape(s1.get(0), s1.get(1), s1.get(2) / 2, s1.get(3) / 2);
        conv2.initialize(manager, dataType, p1);
        Shape s2 = conv2.getOutputShapes(new Shape[] {p1})[0];
        long flat = s2.get(1) * (s2.get(2) / 2) * (s2.get(3) / 2);
        fc.initialize(manager, dataType, new Shape(in.get(0), flat));
    }
}
