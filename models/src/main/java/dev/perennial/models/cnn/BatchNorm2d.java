package dev.perennial.models.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;

/**
 * torch {@code nn.BatchNorm2d} with torch's parameter names: {@code weight} (γ), {@code bias} (β),
 * {@code running_mean}, {@code running_var}.
 *
 * <p>DJL's own {@code BatchNorm} names them {@code gamma}, {@code beta}, {@code runningMean}, {@code runningVar};
 * this block keeps torch's names so checkpoints load unchanged. torch's {@code num_batches_tracked} counter is
 * not kept: it only matters when momentum is {@code None} (cumulative average), and the weight loader skips it.
 * Momentum follows torch's convention ({@code running = (1 − m)·running + m·batch}, default 0.1); DJL's
 * functional batch norm takes the complementary factor, so {@code 1 − m} is passed to it. The running
 * statistics have no gradient and are updated in place by training-mode passes, as in torch.
 */
public final class BatchNorm2d extends FixedShapeBlock {
    private final int channels;
    private final float eps;
    private final float momentum;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;

    /**
     * Creates the layer with torch's defaults (eps 1e-5, momentum 0.1).
     *
     * @param channels the number of channels
     */
    public BatchNorm2d(int channels) {
        this(channels, 1e-5f, 0.1f);
    }

    /**
     * Creates the layer.
     *
     * @param channels the number of channels
     * @param eps added to the variance
     * @param momentum torch's momentum in (0, 1]
     */
    public BatchNorm2d(int channels, float eps, float momentum) {
        if (channels <= 0 || !(eps > 0) || !(momentum > 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm2d: need channels > 0, eps > 0, momentum in (0, 1]; got "
                    + channels + ", " + eps + ", " + momentum);
        }
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        Shape c = new Shape(channels);
        weight = registerParameter("weight", Parameter.Type.GAMMA, c, Initializer.ONES);
        bias = registerParameter("bias", Parameter.Type.BETA, c, Initializer.ZEROS);
        runningMean = runningStatistic("running_mean", Parameter.Type.RUNNING_MEAN, c, Initializer.ZEROS);
        runningVar = runningStatistic("running_var", Parameter.Type.RUNNING_VAR, c, Initializer.ONES);
    }

    /** A buffer in torch's sense: saved with the weights, updated in place, never given a gradient. */
    private Parameter runningStatistic(String name, Parameter.Type type, Shape shape, Initializer init) {
        return addParameter(Parameter.builder().setName(name).setType(type).optShape(shape).optInitializer(init)
                .optRequiresGrad(false).build());
    }

    /**
     * Normalises a batch: with batch statistics (and a running-statistics update) when training, with the running
     * statistics otherwise.
     *
     * @param store the parameter store
     * @param x {@code (N, C, H, W)}
     * @param training whether training
     * @return the normalised batch
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        if (x.getShape().dimension() < 2 || x.getShape().get(1) != channels) {
            throw new IllegalArgumentException("BatchNorm2d: expected (N, " + channels + ", ...), got "
                    + x.getShape());
        }
        return BatchNorm.batchNorm(x, value(store, runningMean, x, training), value(store, runningVar, x, training),
                value(store, weight, x, training), value(store, bias, x, training), 1, 1f - momentum, eps, training)
                .singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(forward(store, inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
