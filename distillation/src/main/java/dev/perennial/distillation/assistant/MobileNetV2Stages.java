package dev.perennial.distillation.assistant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.perennial.distillation.Knowledge;
import dev.perennial.distillation.SpatialPooling;
import dev.perennial.models.Backbone;
import dev.perennial.models.BackboneFeatures;
import dev.perennial.models.cnn.MobileNetV2;
import dev.perennial.models.nn.ModuleList;
import java.util.ArrayList;
import java.util.List;

/**
 * MobileNetV2: front = {@code features.0} up to the end of the second-to-last resolution (the second-to-last of
 * {@link MobileNetV2#stageNames()}); back = the remaining blocks, the final 1×1 convolution, global average pooling
 * and the classifier.
 */
final class MobileNetV2Stages implements StageSplit {
    private final MobileNetV2 net;
    private final List<Block> features;
    private final int cut;
    private final String frontStage;

    MobileNetV2Stages(MobileNetV2 net) {
        this.net = net;
        @SuppressWarnings("unchecked")
        ModuleList<Block> list = (ModuleList<Block>) StageSplit.child(net, "features");
        this.features = list.items();
        List<String> stages = net.stageNames();
        if (stages.size() < 2) {
            throw new IllegalArgumentException("MobileNetV2 with stages " + stages + " has too few resolutions to cut"
                    + " into stages 1-3 and stage 4");
        }
        this.frontStage = stages.get(stages.size() - 2);
        this.cut = Integer.parseInt(frontStage.substring("features.".length()));
    }

    @Override
    public Backbone model() {
        return net;
    }

    @Override
    public NDArray front(ParameterStore store, NDArray images, boolean training) {
        NDArray y = images;
        for (int k = 0; k <= cut; k++) {
            y = ResNetStages.run(features.get(k), store, y, training);
        }
        return y;
    }

    @Override
    public Knowledge back(ParameterStore store, NDArray stage3, boolean training) {
        NDArray y = stage3;
        for (int k = cut + 1; k < features.size(); k++) {
            y = ResNetStages.run(features.get(k), store, y, training);
        }
        NDArray pooled = SpatialPooling.globalAverage(y, "MobileNetV2 final map");
        return new Knowledge(pooled, head(store, pooled, training));
    }

    @Override
    public Knowledge full(ParameterStore store, NDArray images, boolean training) {
        BackboneFeatures f = net.features(store, images, training);
        return new Knowledge(f.pooled(), head(store, f.pooled(), training));
    }

    @Override
    public Staged fullWithStages(ParameterStore store, NDArray images, boolean training) {
        BackboneFeatures f = net.features(store, images, training);
        return new Staged(new Knowledge(f.pooled(), head(store, f.pooled(), training)), f.stages());
    }

    private NDArray head(ParameterStore store, NDArray pooled, boolean training) {
        return StageSplit.child(net, "classifier").forward(store, new NDList(pooled), training).singletonOrThrow();
    }

    @Override
    public List<Parameter> backParameters() {
        List<Block> blocks = new ArrayList<>(features.subList(cut + 1, features.size()));
        blocks.add(StageSplit.child(net, "classifier"));
        return StageSplit.parametersOf(blocks);
    }

    @Override
    public String frontStageName() {
        return frontStage;
    }
}
