package dev.perennial.api.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.perennial.models.nn.Owned;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, 2019), as PyTorch's {@code torch.optim.AdamW}:
 * {@code w ← w (1 − η λ);  m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;
 * w ← w − η m̂ / (√v̂ + ε)} with {@code m̂ = m / (1 − β₁ᵗ)}, {@code v̂ = v / (1 − β₂ᵗ)}.
 */
public final class AdamW implements ParameterOptimizer {
    private final NDManager manager;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final Map<String, NDArray> first = new HashMap<>();
    private final Map<String, NDArray> second = new HashMap<>();
    private long step;

    /**
     * Creates the optimizer.
     *
     * @param parent the manager the state's manager is made from
     * @param beta1 β₁
     * @param beta2 β₂
     * @param epsilon ε
     */
    public AdamW(NDManager parent, double beta1, double beta2, double epsilon) {
        this.manager = parent.newSubManager();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    public void update(TrainableParameter p, NDArray gradient, double learningRate) {
        long t = step + 1;
        NDArray weight = p.parameter().getArray();
        if (p.weightDecay() > 0) {
            weight.muli((float) (1 - learningRate * p.weightDecay()));
        }
        NDArray m = first.get(p.name());
        NDArray v = second.get(p.name());
        if (m == null) {
            m = keepZeros(gradient);
            first.put(p.name(), m);
            v = keepZeros(gradient);
            second.put(p.name(), v);
        }
        m.muli((float) beta1).addi(gradient.mul((float) (1 - beta1)));
        v.muli((float) beta2).addi(gradient.square().muli((float) (1 - beta2)));
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        // w ← w − (η / c1) · m / (√(v / c2) + ε)
        NDArray denominator = v.div((float) c2).sqrt().addi((float) epsilon);
        weight.subi(m.div(denominator).muli((float) (learningRate / c1)));
    }

    private NDArray keepZeros(NDArray like) {
        NDArray z = like.zerosLike();
        z.attach(manager);
        NDScope.unregister(z);
        return z;
    }

    @Override
    public void endStep() {
        step++;
    }

    @Override
    public void reset() {
        first.values().forEach(NDArray::close);
        second.values().forEach(NDArray::close);
        first.clear();
        second.clear();
        step = 0;
    }

    @Override
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        first.forEach((k, a) -> out.put(k + "#m", a));
        second.forEach((k, a) -> out.put(k + "#v", a));
        NDArray count = Owned.longs(manager, new long[] {step});
        out.put("#step", count);
        return out;
    }

    @Override
    public void load(Map<String, NDArray> state) {
        reset();
        state.forEach((k, a) -> {
            if (k.equals("#step")) {
                step = a.toLongArray()[0];
                return;
            }
            // A real copy owned by the optimizer: the checkpoint's arrays belong to a temporary manager that is
            // closed after the restore (toDevice(same, true) would alias them).
            NDArray copy = Owned.keep(a, manager);
            if (k.endsWith("#m")) {
                first.put(k.substring(0, k.length() - 2), copy);
            } else if (k.endsWith("#v")) {
                second.put(k.substring(0, k.length() - 2), copy);
            } else {
                copy.close();
            }
        });
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
