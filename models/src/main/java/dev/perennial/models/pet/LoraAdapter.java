package dev.perennial.models.pet;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.LinearAdapter;
import dev.perennial.models.nn.ParameterInit;
import dev.perennial.models.nn.Scalars;

/**
 * One LoRA update on a linear layer (Hu et al. 2021, eq. 3): {@code h = W₀x + b + (α/r)·B·A·dropout(x)} with
 * {@code lora_A} (r × in, Kaiming-uniform as PEFT) and {@code lora_B} (out × r, zero, so the layer starts as the base).
 * While merged, {@code (α/r)·B·A} lives inside W₀ and the adapter adds nothing.
 */
public final class LoraAdapter implements LinearAdapter {
    private final Linear base;
    private final Linear loraA;
    private final Linear loraB;
    private final float scaling;
    private final float dropout;
    private boolean merged;

    /**
     * Creates the adapter for a base layer (not yet attached).
     *
     * @param base the layer it adapts
     * @param config rank, α, dropout
     */
    LoraAdapter(Linear base, LoraConfig config) {
        this.base = base;
        this.loraA = new Linear(base.inFeatures(), config.rank(), false);
        this.loraB = new Linear(config.rank(), base.outFeatures(), false);
        loraA.weight().setInitializer(ParameterInit.kaimingUniform(base.inFeatures()));
        loraB.weight().setInitializer(ParameterInit.ZEROS);
        this.scaling = config.scaling();
        this.dropout = config.dropout();
    }

    /** @return {@code lora_A}, (r, in) */
    public Linear loraA() {
        return loraA;
    }

    /** @return {@code lora_B}, (out, r) */
    public Linear loraB() {
        return loraB;
    }

    /** @return α / r */
    public float scaling() {
        return scaling;
    }

    /** @return whether the update is currently folded into the base weight */
    public boolean merged() {
        return merged;
    }

    @Override
    public PairList<String, Block> blocks() {
        PairList<String, Block> out = new PairList<>();
        out.add("lora_A", loraA);
        out.add("lora_B", loraB);
        return out;
    }

    @Override
    public NDArray apply(ParameterStore store, NDArray input, NDArray baseOutput, boolean training) {
        if (merged) {
            return baseOutput;
        }
        NDArray x = dropout > 0 && training ? Dropout.dropout(input, dropout, true).singletonOrThrow() : input;
        NDArray update = loraB.forward(store, loraA.forward(store, x, training), training);
        return baseOutput.add(Scalars.mul(update, scaling));
    }

    /** W₀ ← W₀ + (α/r)·B·A (no-op when already merged). */
    void merge() {
        if (!merged) {
            addDelta(1f);
            merged = true;
        }
    }

    /**
     * The base weight with this update folded in, W₀ + (α/r)·B·A, as a new array (the model is left as it is; for
     * exporting a merged checkpoint). When the adapter is already merged the base weight holds it: a copy is returned.
     *
     * @param manager where the result goes
     * @return (out, in)
     */
    public NDArray mergedWeight(ai.djl.ndarray.NDManager manager) {
        NDArray w = base.weight().getArray();
        if (merged) {
            return dev.perennial.models.nn.Owned.keep(w, manager);
        }
        try (var scope = manager.newSubManager()) {
            NDArray delta = loraB.weight().getArray().matMul(loraA.weight().getArray());
            delta.attach(scope);
            NDArray out = w.add(delta.mul(scaling));
            out.attach(manager);
            return out;
        }
    }

    /** W₀ ← W₀ − (α/r)·B·A (no-op when not merged). */
    void unmerge() {
        if (merged) {
            addDelta(-1f);
            merged = false;
        }
    }

    private void addDelta(float sign) {
        NDArray w = base.weight().getArray();
        try (var scope = w.getManager().newSubManager()) {
            NDArray b = loraB.weight().getArray();
            NDArray a = loraA.weight().getArray();
            NDArray product = b.matMul(a);
            product.attach(scope);
            w.addi(product.mul(sign * scaling));
        }
    }
}
