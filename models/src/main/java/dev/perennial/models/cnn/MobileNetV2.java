package dev.perennial.models.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.perennial.models.Backbone;
import dev.perennial.models.BackboneFeatures;
import dev.perennial.models.ModelFamily;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.ModuleList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MobileNetV2 (Sandler et al. 2018) with torchvision's module tree and names: {@code features.0} (3×3/2 stem,
 * {@code features.0.0.weight}, {@code features.0.1.running_mean}), {@code features.1 … features.17} inverted
 * residuals ({@code features.1.conv.0.0.weight}, {@code features.2.conv.3.bias}), {@code features.18} (1×1
 * convolution to the feature width), global average pooling, then {@code classifier.0} (dropout) and
 * {@code classifier.1} (linear).
 *
 * <p>Stages for distillation: the last block at each resolution ({@code features.1, .3, .6, .13, .18} for the
 * standard configuration, strides 2 to 32), as feature-pyramid users of MobileNetV2 take them.
 */
public final class MobileNetV2 extends FixedShapeBlock implements Backbone {
    private final MobileNetV2Config config;
    private final List<Block> features = new ArrayList<>();
    private final List<String> stageNames;
    private final ModuleList<Block> classifier;
    private final Linear head;

    /**
     * Builds the network with fresh (torchvision-style) initial weights.
     *
     * @param config the configuration
     */
    public MobileNetV2(MobileNetV2Config config) {
        this.config = config;
        float wm = config.widthMultiplier();
        int in = MobileNetV2Config.makeDivisible(32 * wm);
        features.add(new ConvBnReLU6(config.inChannels(), in, 3, 2, 1));
        List<Integer> strides = new ArrayList<>();
        for (MobileNetV2Config.Stage row : config.stages()) {
            int out = MobileNetV2Config.makeDivisible(row.channels() * wm);
            for (int i = 0; i < row.repeats(); i++) {
                int stride = i == 0 ? row.stride() : 1;
                features.add(new InvertedResidual(in, out, stride, row.expandRatio()));
                strides.add(stride);
                in = out;
            }
        }
        int last = config.featureDim();
        features.add(new ConvBnReLU6(in, last, 1, 1, 1));
        addChildBlock("features", new ModuleList<>(features));
        List<String> stages = new ArrayList<>();
        // features.k for k = 1 .. residuals: a stage ends where the next block downsamples; the last conv ends the net.
        for (int k = 1; k <= strides.size(); k++) {
            boolean nextDownsamples = k < strides.size() && strides.get(k) == 2;
            if (nextDownsamples) {
                stages.add("features." + k);
            }
        }
        stages.add("features." + (features.size() - 1));
        stageNames = Collections.unmodifiableList(stages);
        if (config.numClasses() > 0) {
            head = new Linear(last, config.numClasses(), true);
            // torchvision initialises MobileNetV2's classifier with N(0, 0.01²) weights and zero bias.
            head.setInitializer(new NormalInitializer(0.01f), Parameter.Type.WEIGHT);
            head.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
            classifier = addChildBlock("classifier", new ModuleList<>(List.of(
                    Dropout.builder().optRate(config.dropout()).build(), head)));
        } else {
            head = null;
            classifier = null;
        }
    }

    /**
     * The configuration.
     *
     * @return the configuration
     */
    public MobileNetV2Config config() {
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
        return stageNames;
    }

    @Override
    public BackboneFeatures features(ParameterStore store, NDArray input, boolean training) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        NDArray pooled = run(store, input, training, out);
        return new BackboneFeatures(pooled, out);
    }

    private NDArray run(ParameterStore store, NDArray x, boolean training, Map<String, NDArray> stageOut) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != config.inChannels()) {
            throw new IllegalArgumentException("MobileNetV2: expected images (N, " + config.inChannels()
                    + ", H, W), got " + s);
        }
        NDArray y = x;
        for (int k = 0; k < features.size(); k++) {
            y = features.get(k).forward(store, new NDList(y), training).singletonOrThrow();
            String name = "features." + k;
            if (stageOut != null && stageNames.contains(name)) {
                stageOut.put(name, y);
            }
        }
        // Global average pooling; the engine's mean takes a single axis, so flatten H×W first.
        return y.reshape(y.getShape().get(0), y.getShape().get(1), -1).mean(new int[] {2});
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray pooled = run(store, inputs.head(), training, null);
        return classifier == null ? new NDList(pooled) : classifier.forward(store, new NDList(pooled), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {new Shape(n, head == null ? featureDim() : config.numClasses())};
    }
}
