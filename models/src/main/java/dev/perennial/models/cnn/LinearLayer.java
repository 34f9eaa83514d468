package dev.perennial.models.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;

/**
 * torch {@code nn.Linear} with a fixed input width: {@code weight} {@code (out, in)} and {@code bias}
 * {@code (out)}, initialised uniformly in ±1/sqrt(in) as torch does by default (or as given).
 */
public final class LinearLayer extends FixedShapeLayer {
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * Creates the layer with torch's default initialisation.
     *
     * @param in input features
     * @param out output features
     */
    public LinearLayer(int in, int out) {
        this(in, out, new UniformInitializer((float) (1 / Math.sqrt(in))),
                new UniformInitializer((float) (1 / Math.sqrt(in))));
    }

    /**
     * Creates the layer with given initialisers.
     *
     * @param in input features
     * @param out output features
     * @param weightInit initial weight values
     * @param biasInit initial bias values
     */
    public LinearLayer(int in, int out, Initializer weightInit, Initializer biasInit) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("LinearLayer: need positive widths, got in=" + in + " out=" + out);
        }
        this.in = in;
        this.out = out;
        weight = register("weight", Parameter.Type.WEIGHT, new Shape(out, in), weightInit);
        bias = register("bias", Parameter.Type.BIAS, new Shape(out), biasInit);
    }

    /**
     * Applies {@code x·Wᵀ + b} over the last axis.
     *
     * @param store the parameter store
     * @param x {@code (..., in)}
     * @param training whether training
     * @return {@code (..., out)}
     */
    public NDArray forward(ParameterStore store, NDArray x, boolean training) {
        if (x.getShape().dimension() == 0 || x.getShape().get(x.getShape().dimension() - 1) != in) {
            throw new IllegalArgumentException("LinearLayer: expected last axis " + in + ", got " + x.getShape());
        }
        return Linear.linear(x, value(store, weight, x, training), value(store, bias, x, training))
                .singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(forward(store, inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(out)};
    }
}
