package dev.perennial.api.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.perennial.models.nn.Owned;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SGD with momentum, as PyTorch's {@code torch.optim.SGD} (dampening 0):
 * {@code g ← g + λ w;  v ← μ v + g;  w ← w − η (nesterov ? g + μ v : v)}.
 */
public final class SgdMomentum implements ParameterOptimizer {
    private final NDManager manager;
    private final double momentum;
    private final boolean nesterov;
    private final Map<String, NDArray> velocity = new HashMap<>();

    /**
     * Creates the optimizer.
     *
     * @param parent the manager the state's manager is made from
     * @param momentum μ in [0, 1)
     * @param nesterov use Nesterov momentum
     */
    public SgdMomentum(NDManager parent, double momentum, boolean nesterov) {
        this.manager = parent.newSubManager();
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    public void update(TrainableParameter p, NDArray gradient, double learningRate) {
        NDArray weight = p.parameter().getArray();
        NDArray g = p.weightDecay() > 0 ? gradient.add(weight.mul((float) p.weightDecay())) : gradient;
        if (momentum == 0) {
            weight.subi(g.mul((float) learningRate));
            return;
        }
        NDArray v = velocity.get(p.name());
        if (v == null) {
            // PyTorch initialises the buffer with the first gradient.
            v = Owned.keep(g, manager);
            velocity.put(p.name(), v);
        } else {
            v.muli((float) momentum).addi(g);
        }
        NDArray direction = nesterov ? g.add(v.mul((float) momentum)) : v;
        weight.subi(direction.mul((float) learningRate));
    }

    @Override
    public void endStep() {}

    @Override
    public void reset() {
        velocity.values().forEach(NDArray::close);
        velocity.clear();
    }

    @Override
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        velocity.forEach((k, v) -> out.put(k + "#velocity", v));
        return out;
    }

    @Override
    public void load(Map<String, NDArray> state) {
        reset();
        state.forEach((k, v) -> {
            if (k.endsWith("#velocity")) {
                // A real copy owned by the optimizer: the checkpoint's arrays belong to a temporary manager that is
                // closed after the restore (toDevice(same, true) would alias them).
                velocity.put(k.substring(0, k.length() - "#velocity".length()), Owned.keep(v, manager));
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
