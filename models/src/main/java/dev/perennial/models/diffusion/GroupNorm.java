package dev.perennial.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.ParameterInit;
import dev.perennial.models.nn.Scalars;

/**
 * torch {@code nn.GroupNorm(groups, channels, eps, affine=True)} on {@code (B, C, …)} inputs: the channels are split
 * into {@code groups} groups, each normalised over its channels and every spatial position with the biased
 * variance, then scaled by {@code weight} and shifted by {@code bias} per channel.
 */
public final class GroupNorm extends FixedShapeBlock {
    private final int groups;
    private final int channels;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * Creates the norm with weight 1 and bias 0.
     *
     * @param groups number of groups; must divide {@code channels}
     * @param channels channels
     * @param eps epsilon inside the square root
     */
    public GroupNorm(int groups, int channels, float eps) {
        if (groups <= 0 || channels <= 0 || channels % groups != 0 || !(eps > 0)) {
            throw new IllegalArgumentException("GroupNorm: groups must divide channels and eps be > 0; got groups="
                    + groups + " channels=" + channels + " eps=" + eps);
        }
        this.groups = groups;
        this.channels = channels;
        this.eps = eps;
        this.weight = registerParameter("weight", Parameter.Type.GAMMA, new Shape(channels), ParameterInit.ONES);
        this.bias = registerParameter("bias", Parameter.Type.BETA, new Shape(channels), ParameterInit.ZEROS);
    }

    /**
     * Normalises.
     *
     * @param store the parameter store
     * @param x (B, C, …)
     * @param training whether this is a training pass
     * @return the same shape
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        Shape s = x.getShape();
        if (s.dimension() < 2 || s.get(1) != channels) {
            throw new IllegalArgumentException("GroupNorm(" + groups + ", " + channels + "): input must be (B, "
                    + channels + ", ...), got " + s);
        }
        NDArray g = x.reshape(s.get(0), groups, -1);
        NDArray centred = g.sub(g.mean(new int[] {2}, true));
        NDArray var = centred.square().mean(new int[] {2}, true);
        NDArray normed = centred.div(Scalars.add(var, eps).sqrt()).reshape(s);
        long[] affine = new long[s.dimension()];
        java.util.Arrays.fill(affine, 1L);
        affine[1] = channels;
        Shape as = new Shape(affine);
        return normed.mul(value(store, weight, x, training).reshape(as))
                .add(value(store, bias, x, training).reshape(as));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
