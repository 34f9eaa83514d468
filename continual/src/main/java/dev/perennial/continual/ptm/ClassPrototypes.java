package dev.perennial.continual.ptm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Running class means of features (SimpleCIL / APER prototypes): a sum and a count per class, in float64 on the
 * Java side so accumulation over many batches loses nothing.
 */
public final class ClassPrototypes {
    private final int dim;
    private final double[][] sums;
    private final long[] counts;

    /**
     * Creates empty sums.
     *
     * @param classes C
     * @param dim D
     */
    public ClassPrototypes(int classes, int dim) {
        this.dim = dim;
        this.sums = new double[classes][dim];
        this.counts = new long[classes];
    }

    /**
     * Prototypes from sums and counts (first-session statistics read from a file).
     *
     * @param sums (C, D) per-class feature sums
     * @param counts (C) samples per class
     * @return the prototypes
     */
    public static ClassPrototypes of(double[][] sums, long[] counts) {
        if (sums.length != counts.length || sums.length == 0) {
            throw new IllegalArgumentException("prototypes: " + sums.length + " sums for " + counts.length
                    + " counts");
        }
        ClassPrototypes p = new ClassPrototypes(counts.length, sums[0].length);
        for (int c = 0; c < counts.length; c++) {
            System.arraycopy(sums[c], 0, p.sums[c], 0, p.dim);
            p.counts[c] = counts[c];
        }
        return p;
    }

    /**
     * The feature sum of a class.
     *
     * @param c class id
     * @return (D) a copy
     */
    public double[] sum(int c) {
        return sums[c].clone();
    }

    /**
     * Adds a batch.
     *
     * @param features (B, D)
     * @param labels (B) class ids
     */
    public void add(NDArray features, NDArray labels) {
        if (features.getShape().dimension() != 2 || features.getShape().get(1) != dim) {
            throw new IllegalArgumentException("prototypes: features must be (B, " + dim + "), got "
                    + features.getShape());
        }
        float[] f = features.toType(DataType.FLOAT32, false).toFloatArray();
        long[] y = labels.toType(DataType.INT64, false).toLongArray();
        for (int b = 0; b < y.length; b++) {
            int c = (int) y[b];
            if (c < 0 || c >= counts.length) {
                throw new IllegalArgumentException("prototypes: label " + c + " outside 0.." + (counts.length - 1));
            }
            counts[c]++;
            for (int d = 0; d < dim; d++) {
                sums[c][d] += f[b * dim + d];
            }
        }
    }

    /**
     * The samples seen of a class.
     *
     * @param c class id
     * @return the count
     */
    public long count(int c) {
        return counts[c];
    }

    /**
     * The mean feature of a class.
     *
     * @param c class id
     * @return (D) values
     * @throws IllegalStateException when the class has no samples
     */
    public float[] mean(int c) {
        if (counts[c] == 0) {
            throw new IllegalStateException("prototypes: class " + c + " has no samples");
        }
        float[] m = new float[dim];
        for (int d = 0; d < dim; d++) {
            m[d] = (float) (sums[c][d] / counts[c]);
        }
        return m;
    }

    /**
     * The means of several classes.
     *
     * @param classes class ids
     * @return one row per class
     */
    public float[][] means(int[] classes) {
        float[][] out = new float[classes.length][];
        for (int i = 0; i < classes.length; i++) {
            out[i] = mean(classes[i]);
        }
        return out;
    }
}
