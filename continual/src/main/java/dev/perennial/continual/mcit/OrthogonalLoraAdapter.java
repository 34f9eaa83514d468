package dev.perennial.continual.mcit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.LinearAdapter;
import dev.perennial.models.nn.ParameterInit;
import dev.perennial.models.nn.Scalars;

import java.util.ArrayList;
import java.util.List;

/**
 * O-LoRA on one linear layer (Wang et al. 2023; spec mcit.md §2): one LoRA slice per task, all created up front,
 * slice j = (A_j r×in Kaiming-uniform, B_j out×r zero), registered as {@code lora_A_j} / {@code lora_B_j}:
 * <pre>
 * h = W₀x + s·Σ_{j&lt;t} B_j A_j x + s·B_t A_t x        s = α / r
 * </pre>
 * where t is the current slice. With {@code oldInTraining} (the official O-LoRA code) the earlier slices are in the
 * forward pass while training; without it (MCITlib's port, §2.2) a training pass uses only slice t and inference
 * adds slices 0..t. Slices after t are never applied (their B is still zero).
 */
final class OrthogonalLoraAdapter implements LinearAdapter {
    private final List<Linear> a = new ArrayList<>();
    private final List<Linear> b = new ArrayList<>();
    private final float scaling;
    private final float dropout;
    private final boolean oldInTraining;
    private int current;

    /**
     * @param base the layer it adapts
     * @param slices the number of tasks (slices)
     * @param rank r of each slice
     * @param scaling s
     * @param dropout dropout on the adapter's input
     * @param oldInTraining whether a training pass adds the earlier slices (official O-LoRA) or not (MCITlib)
     */
    OrthogonalLoraAdapter(Linear base, int slices, int rank, float scaling, float dropout, boolean oldInTraining) {
        for (int j = 0; j < slices; j++) {
            Linear aj = new Linear(base.inFeatures(), rank, false);
            Linear bj = new Linear(rank, base.outFeatures(), false);
            aj.weight().setInitializer(ParameterInit.kaimingUniform(base.inFeatures()));
            bj.weight().setInitializer(ParameterInit.ZEROS);
            a.add(aj);
            b.add(bj);
        }
        this.scaling = scaling;
        this.dropout = dropout;
        this.oldInTraining = oldInTraining;
    }

    /** Initialises every slice on the base weight's manager and type. */
    void initialize(NDManager manager, ai.djl.ndarray.types.DataType type) {
        for (int j = 0; j < a.size(); j++) {
            a.get(j).initialize(manager, type);
            b.get(j).initialize(manager, type);
        }
    }

    static String nameA(int slice) {
        return "lora_A_" + slice;
    }

    static String nameB(int slice) {
        return "lora_B_" + slice;
    }

    /** @param slice the slice that trains from now on, and the last one inference applies */
    void setCurrent(int slice) {
        current = slice;
    }

    /** @return A_j, (r, in) */
    Linear loraA(int slice) {
        return a.get(slice);
    }

    /** @return B_j, (out, r) */
    Linear loraB(int slice) {
        return b.get(slice);
    }

    @Override
    public PairList<String, Block> blocks() {
        PairList<String, Block> out = new PairList<>();
        for (int j = 0; j < a.size(); j++) {
            out.add(nameA(j), a.get(j));
            out.add(nameB(j), b.get(j));
        }
        return out;
    }

    @Override
    public NDArray apply(ParameterStore store, NDArray input, NDArray baseOutput, boolean training) {
        NDArray x = dropout > 0 && training ? Dropout.dropout(input, dropout, true).singletonOrThrow() : input;
        int first = training && !oldInTraining ? current : 0;
        NDArray update = null;
        for (int j = first; j <= current; j++) {
            NDArray u = b.get(j).forward(store, a.get(j).forward(store, x, training), training);
            update = update == null ? u : update.add(u);
        }
        return baseOutput.add(Scalars.mul(update, scaling));
    }

    /**
     * O-LoRA's orthogonality term of this layer, Σ_{j&lt;t} Σ_{k,l} |(A_j A_tᵀ)_{kl}| (L1 of the cross-Gram matrix,
     * the official {@code uie_trainer_lora.py}; spec §2.1); null for the first slice, which has no earlier rows.
     *
     * @param manager the step's manager, which receives the result
     * @return a scalar, or null
     */
    NDArray orthogonality(NDManager manager) {
        if (current == 0) {
            return null;
        }
        NDList old = new NDList();
        for (int j = 0; j < current; j++) {
            old.add(a.get(j).weight().getArray());
        }
        return crossGramL1(old.size() == 1 ? old.head() : inStep(NDArrays.concat(old, 0), manager),
                a.get(current).weight().getArray(), manager);
    }

    /**
     * Σ |A_old A_newᵀ|, the entries' absolute values summed.
     *
     * @param old the earlier rows, (m, in)
     * @param fresh the current rows, (r, in)
     * @param manager receives the intermediate and the result (the operands may be parameters)
     * @return a scalar
     */
    static NDArray crossGramL1(NDArray old, NDArray fresh, NDManager manager) {
        NDArray gram = inStep(old.matMul(inStep(fresh.transpose(), manager)), manager);
        return gram.abs().sum();
    }

    /**
     * ‖A_t‖₂ + ‖B_t‖₂, the unsquared Frobenius norms of the current slice (O-LoRA's λ₂ term, spec §2.1).
     *
     * @param manager the step's manager, which receives the result
     * @return a scalar
     */
    NDArray currentNorms(NDManager manager) {
        return norm(a.get(current).weight().getArray(), manager)
                .add(norm(b.get(current).weight().getArray(), manager));
    }

    /**
     * ‖P‖₂ written as ‖P‖² / √max(‖P‖², ε): the same value, and a gradient P / ‖P‖ that is 0 rather than NaN at
     * P = 0 (a fresh B), as torch's {@code norm} gives.
     */
    static NDArray norm(NDArray p, NDManager manager) {
        NDArray squared = inStep(p.square(), manager).sum();
        return squared.div(Scalars.maximum(squared, 1e-30f).sqrt());
    }

    /** An array whose first operand was a parameter lands in the parameter's manager: move it to the step's. */
    private static NDArray inStep(NDArray array, NDManager manager) {
        array.attach(manager);
        return array;
    }
}
