package dev.perennial.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** A lookup table {@code weight} of shape (count, dim), torch's {@code nn.Embedding}; rows initialised N(0, 1). */
public final class Embedding extends FixedShapeBlock {
    private final long count;
    private final long dim;
    private final Parameter weight;

    /**
     * Creates the table.
     *
     * @param count number of rows (vocabulary size, positions)
     * @param dim width of a row
     */
    public Embedding(long count, long dim) {
        if (count <= 0 || dim <= 0) {
            throw new IllegalArgumentException("Embedding: count and dim must be positive, got " + count + ", " + dim);
        }
        this.count = count;
        this.dim = dim;
        this.weight =
                registerParameter("weight", Parameter.Type.WEIGHT, new Shape(count, dim), ParameterInit.normal(0f, 1f));
    }

    /** @return the table, (count, dim) */
    public Parameter weight() {
        return weight;
    }

    /** @return number of rows */
    public long count() {
        return count;
    }

    /**
     * Looks up rows.
     *
     * @param store the parameter store
     * @param ids integer ids of any shape, each in [0, count)
     * @param training whether this is a training pass
     * @return ids.shape + (dim)
     */
    public NDArray forward(ParameterStore store, NDArray ids, boolean training) {
        DataType t = ids.getDataType();
        if (t != DataType.INT64 && t != DataType.INT32) {
            throw new IllegalArgumentException("Embedding: ids must be int32 or int64, got " + t);
        }
        if (ids.size() > 0) {
            long min = ids.min().toType(DataType.INT64, false).getLong();
            long max = ids.max().toType(DataType.INT64, false).getLong();
            if (min < 0 || max >= count) {
                throw new IllegalArgumentException(
                        "Embedding(" + count + " rows): ids must be in [0, " + count + "), got range [" + min + ", "
                                + max + "]");
            }
        }
        NDArray w = value(store, weight, ids, training);
        Shape outShape = ids.getShape().addAll(new Shape(dim));
        return inPassScope(w.get(new NDIndex("{}", ids.flatten().toType(DataType.INT64, false))), ids)
                .reshape(outShape);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].addAll(new Shape(dim))};
    }
}
