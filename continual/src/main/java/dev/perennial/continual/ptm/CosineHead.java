package dev.perennial.continual.ptm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Owned;
import dev.perennial.models.nn.ParameterInit;

/**
 * The cosine classifier of SAFE and the PILOT baselines (safe.md §2.2):
 * {@code h_W(f)_c = σ · (f/‖f‖) · (W_c/‖W_c‖)} with a learnable scale σ.
 *
 * <p>The weight holds one row for every class of the scenario. A class-incremental run "appends zero rows" for the
 * classes of a new task ({@code update_fc}); here those rows exist from the start and are zeroed with
 * {@link #zeroRows} before the class is seen, which is the same thing because the rows of unseen classes take no
 * part in any loss (their logits are masked), so their gradient is zero and weight decay keeps them at zero.
 * Normalisation divides by {@code max(‖v‖, 1e-12)} (torch {@code F.normalize}), so a zero row gives logit 0,
 * never NaN (safe.md §6, S14).
 */
public final class CosineHead extends FixedShapeBlock {
    /** σ's initial value in SAFE's {@code inc_net.py} (safe.md §4). */
    public static final float SIGMA_INIT = 10f;
    /** The normalisation floor of torch's {@code F.normalize}. */
    public static final double NORM_EPS = 1e-12;

    private final int classes;
    private final int dim;
    private final Parameter weight;
    private final Parameter sigma;

    /**
     * Creates the head; rows start uniform in ±1/√D (torch {@code CosineLinear.reset_parameters}).
     *
     * @param classes rows (all classes of the scenario)
     * @param dim feature width D
     * @param sigmaInit σ's initial value
     */
    public CosineHead(int classes, int dim, float sigmaInit) {
        if (classes <= 0 || dim <= 0) {
            throw new IllegalArgumentException("cosine head: classes and dim must be positive, were " + classes
                    + " and " + dim);
        }
        this.classes = classes;
        this.dim = dim;
        this.weight = registerParameter("weight", Parameter.Type.WEIGHT, new Shape(classes, dim),
                ParameterInit.uniform((float) (1.0 / Math.sqrt(dim))));
        this.sigma = registerParameter("sigma", Parameter.Type.WEIGHT, new Shape(1),
                new ConstantInitializer(sigmaInit));
    }

    /** @return the number of rows */
    public int classes() {
        return classes;
    }

    /** @return the feature width */
    public int dim() {
        return dim;
    }

    /** @return W, (classes, D) */
    public Parameter weight() {
        return weight;
    }

    /** @return σ, (1) */
    public Parameter sigma() {
        return sigma;
    }

    /**
     * Logits of features: {@code σ · n(f) · n(W)ᵀ}.
     *
     * @param store the parameter store
     * @param features (B, D)
     * @param training whether gradients may reach W and σ
     * @return (B, classes)
     */
    public NDArray logits(ParameterStore store, NDArray features, boolean training) {
        NDArray w = store.getValue(weight, features.getDevice(), training);
        NDArray s = store.getValue(sigma, features.getDevice(), training);
        return logits(w, s, features);
    }

    /**
     * The cosine logits for explicit weights (e.g. for prototypes fed through another learner's head).
     *
     * @param w (classes, D)
     * @param s (1)
     * @param features (B, D)
     * @return (B, classes)
     */
    public static NDArray logits(NDArray w, NDArray s, NDArray features) {
        if (features.getShape().dimension() != 2 || features.getShape().get(1) != w.getShape().get(1)) {
            throw new IllegalArgumentException("cosine head: features must be (B, " + w.getShape().get(1)
                    + "), got " + features.getShape());
        }
        return normalizeRows(features).matMul(normalizeRows(w).transpose()).mul(s);
    }

    /**
     * Row-wise L2 normalisation {@code v / max(‖v‖, 1e-12)}.
     *
     * @param x (B, D)
     * @return normalised rows
     */
    public static NDArray normalizeRows(NDArray x) {
        return x.normalize(2, -1, NORM_EPS);
    }

    /**
     * The weight's current value.
     *
     * @param store the parameter store
     * @param like an array on the target device
     * @param training whether gradients may reach W
     * @return W
     */
    public NDArray weightValue(ParameterStore store, NDArray like, boolean training) {
        return store.getValue(weight, like.getDevice(), training);
    }

    /**
     * The scale's current value.
     *
     * @param store the parameter store
     * @param like an array on the target device
     * @param training whether gradients may reach σ
     * @return σ
     */
    public NDArray sigmaValue(ParameterStore store, NDArray like, boolean training) {
        return store.getValue(sigma, like.getDevice(), training);
    }

    /**
     * Sets rows to zero: what {@code update_fc} appends for new classes (safe.md §2.2).
     *
     * @param rows class ids
     */
    public void zeroRows(int[] rows) {
        float[] values = weight.getArray().toFloatArray();
        for (int r : rows) {
            checkRow(r);
            java.util.Arrays.fill(values, r * dim, (r + 1) * dim, 0f);
        }
        write(values);
    }

    /**
     * Writes rows (e.g. class prototypes imprinted into the head).
     *
     * @param rows class ids
     * @param values (rows.length, D)
     */
    public void setRows(int[] rows, float[][] values) {
        float[] w = weight.getArray().toFloatArray();
        for (int i = 0; i < rows.length; i++) {
            checkRow(rows[i]);
            if (values[i].length != dim) {
                throw new IllegalArgumentException("cosine head: row " + rows[i] + " needs " + dim + " values, got "
                        + values[i].length);
            }
            System.arraycopy(values[i], 0, w, rows[i] * dim, dim);
        }
        write(w);
    }

    /** The logits of the input features (the DJL entry point). */
    @Override
    protected ai.djl.ndarray.NDList forwardInternal(ParameterStore store, ai.djl.ndarray.NDList inputs,
                                                    boolean training, ai.djl.util.PairList<String, Object> params) {
        return new ai.djl.ndarray.NDList(logits(store, inputs.singletonOrThrow(), training));
    }

    /** @return σ's value */
    public float sigmaValue() {
        return sigma.getArray().getFloat(0);
    }

    /**
     * Sets σ (what {@code CosineLinear.reset_parameters} does to it).
     *
     * @param value the new σ
     */
    public void setSigma(float value) {
        NDArray target = sigma.getArray();
        try (NDManager scope = target.getManager().newSubManager()) {
            Owned.floats(scope, new float[] {value}, target.getShape()).copyTo(target);
        }
    }

    private void write(float[] values) {
        NDArray target = weight.getArray();
        try (NDManager scope = target.getManager().newSubManager()) {
            Owned.floats(scope, values, target.getShape()).copyTo(target);
        }
    }

    private void checkRow(int r) {
        if (r < 0 || r >= classes) {
            throw new IllegalArgumentException("cosine head: class " + r + " outside 0.." + (classes - 1));
        }
    }
}
