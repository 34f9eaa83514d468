package dev.perennial.deepfake.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.perennial.models.BackboneFeatures;
import dev.perennial.models.cnn.ResNet;
import dev.perennial.models.cnn.ResNetConfig;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskData;
import dev.perennial.spi.TaskInfo;

/**
 * {@code deepfake-detector}: a ResNet image classifier over the scenario's classes (real / fake) trained with
 * cross-entropy on {@code image}, the detector of specs/deepfake.md Part D. Besides {@code logits} and
 * {@code features} (the pooled vector) it returns one stage's output (B, C, h, w), by default {@code layer4} under
 * the name {@code feature_map}: the detector feature map F that the {@code diffusionfake} distiller injects into its
 * frozen generator. It is the {@link BackboneFeatures#stages()} map of the models' ResNet, not a new channel.
 * The exported model is the ResNet alone; nothing of a distiller is in it.
 */
final class DeepfakeDetector implements Learner {
    private static final String NAME = "deepfake-detector";

    private final DeepfakeDetectorConfig config;
    private final PluginContext context;
    private final ResNet net;
    private final ParameterStore parameters;
    private final Shape inputShape;
    private boolean initialized;

    DeepfakeDetector(DeepfakeDetectorConfig config, PluginContext context) {
        this.config = config;
        this.context = context;
        ScenarioInfo scenario = context.scenario().orElseThrow(() -> new IllegalStateException(NAME
                + " needs a scenario: create it inside a run"));
        long[] image = scenario.featureShapes().get("image");
        if (image == null || image.length != 3) {
            throw new IllegalArgumentException(NAME + " needs an 'image' feature of shape C x H x W; the data set "
                    + "gives " + scenario.featureShapes().keySet());
        }
        this.inputShape = new Shape(1, image[0], image[1], image[2]);
        this.net = new ResNet(new ResNetConfig(ResNetConfig.Block.BASIC, config.layers(), config.baseWidth(),
                scenario.classCount(), config.cifarStem(), (int) image[0]));
        this.parameters = context.parameterStore();
    }

    @Override
    public void beforeTask(TaskInfo task, TaskData data) {
        if (!initialized) {
            net.initialize(context.manager(), DataType.FLOAT32, inputShape);
            initialized = true;
        }
    }

    @Override
    public Block model() {
        return net;
    }

    @Override
    public LossTerms loss(Batch batch, StepContext step) {
        BackboneFeatures f = net.features(parameters, batch.input("image"), true);
        NDArray logits = net.head(parameters, f.pooled(), true);
        NDArray labels = batch.labels().orElseThrow(() -> new IllegalStateException(NAME
                + " trains on labelled batches; this batch has no labels"));
        NDArray logp = logits.logSoftmax(1);
        NDArray perSample = logp.mul(labels.oneHot((int) logits.getShape().get(1), DataType.FLOAT32)).sum(
                new int[] {1}).neg();
        return LossTerms.of("ce", perSample.mean())
                .withOutput("features", f.pooled())
                .withOutput("logits", logits)
                .withOutput(config.featureOutput(), f.stage(config.featureStage()))
                .withPerSampleLoss(perSample);
    }

    @Override
    public Predictions predict(Batch batch, StepContext step) {
        BackboneFeatures f = net.features(parameters, batch.input("image"), false);
        return Predictions.ofScores(net.head(parameters, f.pooled(), false).softmax(1));
    }
}
