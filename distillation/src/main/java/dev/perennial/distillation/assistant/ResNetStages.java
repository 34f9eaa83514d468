package dev.perennial.distillation.assistant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import dev.perennial.distillation.Knowledge;
import dev.perennial.distillation.SpatialPooling;
import dev.perennial.models.Backbone;
import dev.perennial.models.BackboneFeatures;
import dev.perennial.models.cnn.ResNet;
import java.util.ArrayList;
import java.util.List;

/** ResNet: front = stem + {@code layer1..layer3}; back = {@code layer4}, global average pooling, {@code fc}. */
final class ResNetStages implements StageSplit {
    private final ResNet net;

    ResNetStages(ResNet net) {
        this.net = net;
    }

    @Override
    public Backbone model() {
        return net;
    }

    @Override
    public NDArray front(ParameterStore store, NDArray images, boolean training) {
        // The stem as ResNet.run applies it (conv1, bn1, ReLU, max-pool unless the CIFAR stem).
        NDArray y = run(StageSplit.child(net, "conv1"), store, images, training);
        y = Activation.relu(run(StageSplit.child(net, "bn1"), store, y, training));
        if (!net.config().cifarStem()) {
            y = Pool.maxPool2d(y, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
        }
        for (String s : List.of("layer1", "layer2", "layer3")) {
            y = run(StageSplit.child(net, s), store, y, training);
        }
        return y;
    }

    @Override
    public Knowledge back(ParameterStore store, NDArray stage3, boolean training) {
        NDArray y = run(StageSplit.child(net, "layer4"), store, stage3, training);
        NDArray pooled = SpatialPooling.globalAverage(y, "ResNet layer4 output");
        return new Knowledge(pooled, net.head(store, pooled, training));
    }

    @Override
    public Knowledge full(ParameterStore store, NDArray images, boolean training) {
        BackboneFeatures f = net.features(store, images, training);
        return new Knowledge(f.pooled(), net.head(store, f.pooled(), training));
    }

    @Override
    public Staged fullWithStages(ParameterStore store, NDArray images, boolean training) {
        BackboneFeatures f = net.features(store, images, training);
        return new Staged(new Knowledge(f.pooled(), net.head(store, f.pooled(), training)), f.stages());
    }

    @Override
    public List<Parameter> backParameters() {
        List<Block> blocks = new ArrayList<>();
        blocks.add(StageSplit.child(net, "layer4"));
        blocks.add(StageSplit.child(net, "fc"));
        return StageSplit.parametersOf(blocks);
    }

    @Override
    public String frontStageName() {
        return "layer3";
    }

    static NDArray run(Block block, ParameterStore store, NDArray x, boolean training) {
        return block.forward(store, new NDList(x), training).singletonOrThrow();
    }
}
