package dev.perennial.slerpface.learn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.perennial.models.cnn.ResNet;
import dev.perennial.models.cnn.ResNetConfig;
import dev.perennial.models.nn.FixedShapeBlock;

/**
 * The recogniser SlerpFace protects the templates of (spec §1.2, {@code modules/model.py}, with a ResNet from
 * {@code models/} in place of IR-50):
 * <pre>
 * Gc(x) = PReLU(BN(Conv1×1_{C→d}(body(x))))                    (N, d, h, w): m = h·w groups of d
 * a(T)  = PReLU(BN(Conv3×3_{d→1}(PReLU(BN(Conv3×3_{d→d}(PReLU(BN(Conv3×3_{d→d}(T)))))))))
 * w     = softmax over the m positions of a(T)                 (temperature 1)
 * </pre>
 * plus the ArcFace class weights ({@code arcface.weight}, K × m·d) used only by the training loss.
 */
public final class GroupTemplateNet extends FixedShapeBlock {

    private final ResNet body;
    private final ConvBnPrelu groupConv;
    private final ConvBnPrelu attention0;
    private final ConvBnPrelu attention1;
    private final ConvBnPrelu attention2;
    private final Parameter arcFaceWeight;
    private final int groupSize;
    private final int groups;
    private final int classes;

    /**
     * Builds the network for square images of a given side.
     *
     * @param config the learner's configuration
     * @param inChannels image channels
     * @param imageSide image height = width
     * @param classes identities of the ArcFace head
     */
    public GroupTemplateNet(SlerpFaceLearnerConfig config, int inChannels, int imageSide, int classes) {
        ResNetConfig resnet = new ResNetConfig(ResNetConfig.Block.BASIC, config.layers(), config.baseWidth(), 0,
                config.cifarStem(), inChannels);
        this.body = addChildBlock("body", new ResNet(resnet));
        int channels = resnet.featureDim();
        this.groupSize = config.groupSize();
        this.groupConv = addChildBlock("group_conv", new ConvBnPrelu(channels, groupSize, 1, true));
        this.attention0 = addChildBlock("attention0", new ConvBnPrelu(groupSize, groupSize, 3, false));
        this.attention1 = addChildBlock("attention1", new ConvBnPrelu(groupSize, groupSize, 3, false));
        this.attention2 = addChildBlock("attention2", new ConvBnPrelu(groupSize, 1, 3, false));
        int side = finalSide(imageSide, config.cifarStem());
        this.groups = side * side;
        this.classes = classes;
        this.arcFaceWeight = registerParameter("arcface_weight", Parameter.Type.WEIGHT,
                new Shape(classes, (long) groups * groupSize), new NormalInitializer(0.01f));
    }

    /**
     * The side of the last stage's map: every stride-2 layer (k = 3 or 7 with "same"-style padding) maps h to
     * {@code ⌊(h − 1)/2⌋ + 1}; the ImageNet stem has two (conv1, max-pool) before the three strided stages.
     */
    static int finalSide(int imageSide, boolean cifarStem) {
        int side = imageSide;
        for (int i = 0; i < (cifarStem ? 3 : 5); i++) {
            side = (side - 1) / 2 + 1;
        }
        return side;
    }

    /**
     * The number of groups m (positions of the last stage's map).
     *
     * @return m
     */
    public int groups() {
        return groups;
    }

    /**
     * Channels per group d.
     *
     * @return d
     */
    public int groupSize() {
        return groupSize;
    }

    /**
     * Identities of the ArcFace head.
     *
     * @return K
     */
    public int classes() {
        return classes;
    }

    /**
     * The ArcFace class weights.
     *
     * @return the parameter (K × m·d)
     */
    public Parameter arcFaceWeight() {
        return arcFaceWeight;
    }

    /**
     * The group feature map {@code Gc(x)}.
     *
     * @param store the parameter store
     * @param images {@code (N, C, H, W)}
     * @param training whether training
     * @return {@code (N, d, h, w)}
     */
    public NDArray groupMap(ParameterStore store, NDArray images, boolean training) {
        NDArray features = body.features(store, images, training).stage("layer4");
        return groupConv.forward(store, features, training);
    }

    /**
     * The group weights of a template map: softmax over all positions of the attention map.
     *
     * @param store the parameter store
     * @param map {@code T}, {@code (N, d, h, w)}
     * @param training whether training
     * @return {@code (N, m)}, rows summing to 1
     */
    public NDArray groupWeights(ParameterStore store, NDArray map, boolean training) {
        NDArray a = attention2.forward(store, attention1.forward(store, attention0.forward(store, map, training),
                training), training);
        return a.reshape(a.getShape().get(0), -1).softmax(1);
    }

    /**
     * Groups of a map as rows: {@code (N, d, h, w) → (N, m, d)}, position-major (row(i), col(i)).
     *
     * @param map the map
     * @return the groups
     */
    public static NDArray groupsOf(NDArray map) {
        Shape s = map.getShape();
        return map.reshape(s.get(0), s.get(1), -1).transpose(0, 2, 1);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray map = groupMap(store, inputs.head(), training);
        return new NDList(groupsOf(map), groupWeights(store, map, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {new Shape(n, groups, groupSize), new Shape(n, groups)};
    }
}
