package dev.perennial.continual.llaca;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * A {@link ParameterStore} that records which parameters a forward pass read: the parameters the loss graph of
 * that pass reaches, and so the ones that receive a gradient from its backward pass.
 *
 * <p>Why this and not the gradient itself: torch ≥ 2 clears gradients to None, so "no gradient this step" is
 * visible there. DJL 0.36's PyTorch engine has no call that makes a gradient undefined again: the loop zeroes
 * gradients in place, libtorch then accumulates into that same buffer in place, and {@code getGradient()} even
 * returns a fresh zero array for a gradient never allocated. A zero gradient cannot tell "not in the graph" from
 * "in the graph with an exactly zero gradient" (LoRA A on the first step, while B is still zero, is the latter),
 * so the values cannot decide. The forward pass can: every block of the project's models reads its parameters
 * through {@link ParameterStore#getValue} (see {@code models.nn.FixedShapeBlock#value}), so a parameter that was
 * not read cannot be in the graph. The cost is one identity-set insertion per read.
 *
 * <p>The rule counts a parameter that a block reads and then discards as reached (it would get a zero gradient,
 * the behaviour before this class). The LLaVA learner's tracked tensors, LoRA A/B and the projector, always
 * feed the answer loss when they are read.
 */
final class ReachRecordingStore extends ParameterStore {
    private final Set<Parameter> read = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * A store that neither copies parameters nor syncs them (the learner's single-device passes).
     *
     * @param manager the step's manager
     */
    ReachRecordingStore(NDManager manager) {
        super(manager, false);
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
        if (parameter != null) {
            read.add(parameter);
        }
        return super.getValue(parameter, device, training);
    }

    /**
     * The parameters read so far.
     *
     * @return an unmodifiable view, by identity
     */
    Set<Parameter> read() {
        return Collections.unmodifiableSet(read);
    }
}
