package dev.perennial.deepfake.diffusionfake;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.ModuleList;
import java.util.ArrayList;
import java.util.List;

/**
 * One branch (source or target) of the DiffusionFake head: the detector's feature map is upsampled by
 * {@code ups} transposed convolutions (spec: two, 8 → 32), filtered by a {@link FeatureFilter}, and turned into one
 * residual per skip connection of the frozen UNet (and one for its mid block) by zero-initialised 1×1 convolutions,
 * after average pooling to each skip's resolution.
 *
 * <p>This is the CPU substitute of spec Part D.7: the official code feeds the filtered feature through a trainable
 * ControlNet copy of the UNet encoder ("GuideNet") whose zero-convolution outputs are the residuals; here the
 * zero convolutions read the filtered feature directly. The mechanisms the spec asks to keep are kept: a frozen
 * generator, detector features injected as additive residuals through zero-initialised 1×1 convolutions, and
 * per-sample weights scaling every residual.
 */
public final class GuideBranch extends FixedShapeBlock {
    private final List<ConvTranspose2d> ups = new ArrayList<>();
    private final FeatureFilter filter;
    private final List<ZeroConv> zeroConvs = new ArrayList<>();
    private final List<Shape> targets;

    /**
     * Creates the branch.
     *
     * @param featureChannels detector feature channels
     * @param upsamplings transposed convolutions (each doubles the resolution)
     * @param filterOut the filter's output channels
     * @param heads the filter's attention heads
     * @param residualShapes the UNet's skip shapes then its mid block's ({@code UNet2DConditionModel.skipShapes}),
     *     batch dimension ignored
     */
    public GuideBranch(int featureChannels, int upsamplings, int filterOut, int heads, List<Shape> residualShapes) {
        for (int i = 0; i < upsamplings; i++) {
            ups.add(new ConvTranspose2d(featureChannels, featureChannels));
        }
        addChildBlock("ups", new ModuleList<>(ups));
        this.filter = addChildBlock("filter", new FeatureFilter(featureChannels, filterOut, heads));
        this.targets = List.copyOf(residualShapes);
        for (Shape s : residualShapes) {
            zeroConvs.add(new ZeroConv(filterOut, (int) s.get(1)));
        }
        addChildBlock("zero_convs", new ModuleList<>(zeroConvs));
    }

    /**
     * The residuals for the frozen UNet.
     *
     * @param store the parameter store
     * @param features the detector's feature map (B, C, h, w); after the upsamplings it must have the resolution of
     *     the first skip connection
     * @param weight per-sample weights (B) multiplying every residual
     * @param training whether this is a training pass
     * @return one residual per skip connection, then the mid block's
     */
    public List<NDArray> residuals(ParameterStore store, NDArray features, NDArray weight, boolean training) {
        NDArray h = features;
        for (ConvTranspose2d up : ups) {
            h = up.forward(store, h, training);
        }
        h = filter.forward(store, h, training);
        long side = h.getShape().get(2);
        if (side != targets.get(0).get(2) || h.getShape().get(3) != targets.get(0).get(3)) {
            throw new IllegalArgumentException("DiffusionFake guide: the upsampled detector feature is " + h.getShape()
                    + " but the generator's latent is " + targets.get(0).get(2) + "x" + targets.get(0).get(3)
                    + "; change the number of upsamplings or the latent size");
        }
        NDArray w = weight.reshape(-1, 1, 1, 1);
        List<NDArray> out = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            long factor = side / targets.get(i).get(2);
            NDArray pooled = factor == 1 ? h
                    : Pool.avgPool2d(h, new Shape(factor, factor), new Shape(factor, factor), new Shape(0, 0), false,
                            true);
            out.add(zeroConvs.get(i).forward(store, pooled, training).mul(w));
        }
        return out;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(residuals(store, inputs.get(0), inputs.get(1), training));
    }
}
