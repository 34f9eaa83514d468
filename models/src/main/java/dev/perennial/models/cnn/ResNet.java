package dev.perennial.models.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.Backbone;
import dev.perennial.models.BackboneFeatures;
import dev.perennial.models.ModelFamily;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.ModuleList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ResNet-18/34/50 (He et al., "Deep Residual Learning for Image Recognition", 2016) with torchvision's module
 * tree and parameter names ({@code conv1.weight}, {@code bn1.running_mean}, {@code layer1.0.conv1.weight},
 * {@code layer2.0.downsample.0.weight}, {@code fc.weight}), so torchvision state dicts saved as safetensors load
 * unchanged with {@link dev.perennial.models.io.WeightLoader}.
 *
 * <p>Stem: 7×7/2 convolution, batch norm, ReLU, 3×3/2 max-pool; or, in the CIFAR variant, a 3×3/1
 * convolution without max-pool. Four stages {@code layer1..layer4} (the first block of stages 2–4 has stride 2),
 * global average pooling, and {@code fc} when {@code numClasses > 0}. {@link #forward} returns the logits
 * (or the pooled features without a head); {@link #features} also returns each stage's output.
 */
public final class ResNet extends FixedShapeBlock implements Backbone {
    private static final List<String> STAGES = List.of("layer1", "layer2", "layer3", "layer4");

    private final ResNetConfig config;
    private final Conv2dLayer conv1;
    private final BatchNorm2d bn1;
    private final List<ModuleList<Block>> stages = new ArrayList<>();
    private final Linear fc;

    /**
     * Builds the network with fresh (torchvision-style) initial weights.
     *
     * @param config the configuration
     */
    public ResNet(ResNetConfig config) {
        this.config = config;
        int width = config.baseWidth();
        conv1 = addChildBlock("conv1", config.cifarStem()
                ? new Conv2dLayer(config.inChannels(), width, 3, 1, 1, 1, false)
                : new Conv2dLayer(config.inChannels(), width, 7, 2, 3, 1, false));
        bn1 = addChildBlock("bn1", new BatchNorm2d(width));
        int in = width;
        for (int s = 0; s < 4; s++) {
            int planes = width << s;
            List<ResidualBlock> blocks = new ArrayList<>();
            for (int b = 0; b < config.layers().get(s); b++) {
                ResidualBlock block = new ResidualBlock(config.block(), in, planes, b == 0 && s > 0 ? 2 : 1);
                blocks.add(block);
                in = block.outChannels();
            }
            stages.add(addChildBlock(STAGES.get(s), new ModuleList<>(blocks)));
        }
        fc = config.numClasses() > 0 ? addChildBlock("fc", new Linear(in, config.numClasses(), true)) : null;
    }

    /**
     * The configuration.
     *
     * @return the configuration
     */
    public ResNetConfig config() {
        return config;
    }

    @Override
    public ModelFamily family() {
        return ModelFamily.CNN;
    }

    @Override
    public int featureDim() {
        return config.featureDim();
    }

    @Override
    public List<String> stageNames() {
        return STAGES;
    }

    @Override
    public BackboneFeatures features(ParameterStore store, NDArray input, boolean training) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        NDArray pooled = run(store, input, training, out);
        return new BackboneFeatures(pooled, out);
    }

    /**
     * The classification head applied to pooled features.
     *
     * @param store the parameter store
     * @param pooled {@code (N, featureDim)}
     * @param training whether training
     * @return logits {@code (N, numClasses)}
     * @throws IllegalStateException if the network was built without a head
     */
    public NDArray head(ParameterStore store, NDArray pooled, boolean training) {
        if (fc == null) {
            throw new IllegalStateException("this ResNet has no fc head (numClasses = 0)");
        }
        return fc.forward(store, pooled, training);
    }

    private NDArray run(ParameterStore store, NDArray x, boolean training, Map<String, NDArray> stageOut) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != config.inChannels()) {
            throw new IllegalArgumentException("ResNet: expected images (N, " + config.inChannels() + ", H, W), got "
                    + s);
        }
        NDArray y = Activation.relu(bn1.forward(store, conv1.forward(store, x, training), training));
        if (!config.cifarStem()) {
            y = Pool.maxPool2d(y, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
        }
        for (int i = 0; i < stages.size(); i++) {
            y = stages.get(i).forward(store, new NDList(y), training).singletonOrThrow();
            if (stageOut != null) {
                stageOut.put(STAGES.get(i), y);
            }
        }
        // Global average pooling; the engine's mean takes a single axis, so flatten H×W first.
        return y.reshape(y.getShape().get(0), y.getShape().get(1), -1).mean(new int[] {2});
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray pooled = run(store, inputs.head(), training, null);
        return new NDList(fc == null ? pooled : fc.forward(store, pooled, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {new Shape(n, fc == null ? featureDim() : config.numClasses())};
    }
}
