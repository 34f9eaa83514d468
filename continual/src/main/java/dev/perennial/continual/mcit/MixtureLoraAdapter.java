package dev.perennial.continual.mcit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
 * MoELoRA on one linear layer (CoIN's {@code coinmoelora.py}; spec mcit.md §3): E experts, expert e a LoRA of rank
 * r/E, mixed per token by a router without bias:
 * <pre>
 * g(x) = softmax(W_r x) ∈ R^E,    h = W₀x + Σ_e g_e(x) · s · B_e A_e x,    s = α / r (r the total rank)
 * A_e ~ N(0, 0.01²), B_e = 0
 * </pre>
 * The experts are stored stacked, {@code lora_A} (r × in, expert e = rows e·r/E …) and {@code lora_B} (out × r,
 * columns likewise), so the mixture is one low-rank product with the rank-r code scaled block by block; the router
 * is {@code lora_router} (E × in). With E = 1 this is plain LoRA of rank r.
 *
 * <p>Extensions, off by default (the CoIN and MCITlib code routes densely, with no top-k and no balance term):
 * {@code topK} keeps each token's k largest router logits and renormalises their softmax (Shazeer et al. 2017);
 * while {@link #recordRouting} is on, each training pass records the router probabilities and dispatch masks for
 * the Switch-Transformer load-balancing term ({@link #loadBalance}).
 */
final class MixtureLoraAdapter implements LinearAdapter {
    private final Linear router;
    private final Linear loraA;
    private final Linear loraB;
    private final int experts;
    private final int topK;
    private final float scaling;
    private final float dropout;
    private boolean recordRouting;
    private final List<NDArray[]> routing = new ArrayList<>();

    /**
     * @param base the layer it adapts
     * @param rank r, the total rank (a multiple of {@code experts})
     * @param experts E
     * @param topK experts per token, 0 = all (dense, CoIN)
     * @param scaling s
     * @param dropout dropout on the experts' input
     */
    MixtureLoraAdapter(Linear base, int rank, int experts, int topK, float scaling, float dropout) {
        if (experts < 1 || rank % experts != 0) {
            throw new IllegalArgumentException("moe-lora: the rank (" + rank + ") must be a multiple of experts ("
                    + experts + ")");
        }
        if (topK < 0 || topK > experts) {
            throw new IllegalArgumentException("moe-lora: topK must be in [0, experts = " + experts + "], was "
                    + topK);
        }
        this.router = new Linear(base.inFeatures(), experts, false);
        this.loraA = new Linear(base.inFeatures(), rank, false);
        this.loraB = new Linear(rank, base.outFeatures(), false);
        router.weight().setInitializer(ParameterInit.kaimingUniform(base.inFeatures()));
        loraA.weight().setInitializer(ParameterInit.normal(0f, 0.01f));
        loraB.weight().setInitializer(ParameterInit.ZEROS);
        this.experts = experts;
        this.topK = topK;
        this.scaling = scaling;
        this.dropout = dropout;
    }

    void initialize(NDManager manager, DataType type) {
        router.initialize(manager, type);
        loraA.initialize(manager, type);
        loraB.initialize(manager, type);
    }

    Linear router() {
        return router;
    }

    Linear loraA() {
        return loraA;
    }

    Linear loraB() {
        return loraB;
    }

    /** @param on whether training passes record their routing for {@link #loadBalance} */
    void recordRouting(boolean on) {
        recordRouting = on;
        routing.clear();
    }

    @Override
    public PairList<String, Block> blocks() {
        PairList<String, Block> out = new PairList<>();
        out.add("lora_router", router);
        out.add("lora_A", loraA);
        out.add("lora_B", loraB);
        return out;
    }

    @Override
    public NDArray apply(ParameterStore store, NDArray input, NDArray baseOutput, boolean training) {
        NDArray logits = router.forward(store, input, training);
        NDArray probabilities = logits.softmax(-1);
        NDArray selected = topK == 0 ? null : topK(logits, topK);
        NDArray gates = selected == null ? probabilities : masked(logits, selected).softmax(-1);
        if (training && recordRouting) {
            routing.add(new NDArray[] {probabilities, selected != null ? selected : topK(logits, 1)});
        }
        NDArray x = dropout > 0 && training ? Dropout.dropout(input, dropout, true).singletonOrThrow() : input;
        NDArray code = loraA.forward(store, x, training);
        Shape shape = code.getShape();
        long rank = shape.tail();
        Shape split = shape.slice(0, shape.dimension() - 1).add(experts, rank / experts);
        NDArray mixed = code.reshape(split).mul(gates.expandDims(-1)).reshape(shape);
        return baseOutput.add(Scalars.mul(loraB.forward(store, mixed, training), scaling));
    }

    /**
     * Each token's k largest logits as a 0/1 mask of the logits' type: exactly k ones per token, ties broken by the
     * sort.
     *
     * @param logits (…, E)
     * @param k experts per token
     * @return (…, E), no gradient
     */
    static NDArray topK(NDArray logits, int k) {
        NDArray plain = logits.stopGradient();
        // rank of each expert in the token's descending order: argsort of the argsort
        NDArray order = plain.neg().argSort(-1, true);
        NDArray rank = order.argSort(-1, true);
        return rank.lt(k).toType(logits.getDataType(), false);
    }

    /** The logits where {@code selected} is 1, and far below every logit elsewhere (softmax gives those 0). */
    static NDArray masked(NDArray logits, NDArray selected) {
        return logits.add(Scalars.mul(Scalars.sub(selected, 1f), 1e9f));
    }

    /**
     * The Switch-Transformer load-balancing term (Fedus et al. 2021, eq. 4) of the recorded passes, per pass
     * E · Σ_e f_e · P_e with f_e the fraction of the token-to-expert dispatches that go to e (each token's top-k, or
     * top-1 for dense routing) and P_e the mean router probability of e over the tokens; 1 for a uniform router,
     * E for one that sends everything to one expert. Averaged over the recorded passes, which are then forgotten.
     *
     * @param manager the step's manager
     * @return a scalar, or null when nothing was recorded
     */
    NDArray loadBalance(NDManager manager) {
        NDArray sum = null;
        for (NDArray[] r : routing) {
            NDArray term = balance(r[0], r[1]);
            sum = sum == null ? term : sum.add(term);
        }
        int n = routing.size();
        routing.clear();
        return sum == null ? null : Scalars.div(sum, n);
    }

    /**
     * E · Σ_e f_e · P_e for one pass.
     *
     * @param probabilities router probabilities, (…, E)
     * @param dispatched 0/1 dispatch mask, (…, E)
     * @return a scalar
     */
    static NDArray balance(NDArray probabilities, NDArray dispatched) {
        long e = probabilities.getShape().tail();
        NDArray p = probabilities.reshape(-1, e);
        NDArray d = dispatched.reshape(-1, e);
        NDArray fraction = d.sum(new int[] {0}).div(d.sum());
        NDArray meanProbability = p.mean(new int[] {0});
        return Scalars.mul(fraction.mul(meanProbability).sum(), e);
    }
}
