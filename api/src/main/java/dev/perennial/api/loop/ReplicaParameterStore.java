package dev.perennial.api.loop;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.perennial.models.nn.Owned;
import dev.perennial.models.nn.Scalars;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameter store the loop lends plugins ({@code PluginContext.parameterStore()}): the one place where the
 * training precision and the data-parallel devices meet the plugins' forward passes, as DJL's multi-device
 * {@code ParameterStore} with its parameter server does.
 *
 * <ul>
 *   <li>fp32 on one device (the default): every parameter is returned as it is, exactly as
 *       {@code new ParameterStore(manager, false)} does, so such a run is bit-identical to one with the plugin's own
 *       store;</li>
 *   <li>otherwise, during a training step, each trainable fp32 parameter is handed out as a copy per replica: on
 *       the replica's device ({@link #replica}) and in the compute precision, a leaf that collects its own gradient.
 *       After the backward passes {@link #gatherGradients} sums every replica's gradient, widened to fp32, into the
 *       master parameter's gradient on the first device; the optimizer then updates the fp32 master weights, and
 *       the next step's copies are made from them again (the broadcast). Parameters without gradients (e.g.
 *       normalisation statistics) are handed out as the master itself on the first replica (so their in-place
 *       updates persist) and as a device copy on the others, never cast;</li>
 *   <li>outside a training step (evaluation, {@code beforeTask}) the master parameters are returned.</li>
 * </ul>
 * Replicas are numbered, not keyed by device, so two replicas may share one device: that is how the CPU tests
 * check the split, sum and broadcast without two GPUs.
 */
public final class ReplicaParameterStore extends ParameterStore {
    private final DataType compute;
    private final List<Device> devices;
    private final boolean passThrough;
    private final Map<String, Replicated> copies = new LinkedHashMap<>();
    private final java.util.Set<String> seeded = new java.util.HashSet<>();
    private NDManager step;
    private int replica;

    private record Replicated(Parameter parameter, NDArray[] arrays) {}

    /**
     * A store.
     *
     * @param manager the run's manager, on the first device
     * @param compute the compute precision of trainable parameters (FLOAT32, FLOAT16 or BFLOAT16)
     * @param devices the replicas' devices; the first holds the master parameters
     */
    public ReplicaParameterStore(NDManager manager, DataType compute, List<Device> devices) {
        super(manager, false);
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("a parameter store needs at least one device");
        }
        this.compute = compute;
        this.devices = List.copyOf(devices);
        this.passThrough = compute == DataType.FLOAT32 && devices.size() == 1;
    }

    /**
     * The store of a plain fp32 run on the manager's device.
     *
     * @param manager the run's manager
     * @return a pass-through store
     */
    public static ReplicaParameterStore plain(NDManager manager) {
        return new ReplicaParameterStore(manager, DataType.FLOAT32, List.of(manager.getDevice()));
    }

    /**
     * Whether the store returns the parameters themselves (fp32, one device).
     *
     * @return true for the plain store
     */
    public boolean passThrough() {
        return passThrough;
    }

    /**
     * The replicas' devices.
     *
     * @return the devices, the master's first
     */
    public List<Device> devices() {
        return devices;
    }

    /**
     * The compute precision.
     *
     * @return FLOAT32, FLOAT16 or BFLOAT16
     */
    public DataType compute() {
        return compute;
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
        if (parameter == null) {
            return null;
        }
        if (passThrough || step == null) {
            return super.getValue(parameter, devices.get(0), training);
        }
        Replicated r = copies.computeIfAbsent(parameter.getId(),
                k -> new Replicated(parameter, new NDArray[devices.size()]));
        NDArray a = r.arrays()[replica];
        if (a == null) {
            a = replicate(parameter, training);
            r.arrays()[replica] = a;
        }
        return a;
    }

    private NDArray replicate(Parameter parameter, boolean training) {
        NDArray master = parameter.getArray();
        Device target = devices.get(replica);
        boolean trainable = parameter.requiresGradient() && training;
        boolean cast = trainable && master.getDataType() == DataType.FLOAT32 && compute != DataType.FLOAT32;
        if (!trainable && replica == 0 && master.getDevice().equals(target)) {
            return master;
        }
        NDArray onDevice = master.getDevice().equals(target) ? null : master.toDevice(target, false);
        NDArray copy;
        if (onDevice == null) {
            copy = cast ? Owned.copyAs(master, compute) : Owned.copy(master);
        } else {
            copy = cast ? onDevice.toType(compute, false) : onDevice;
        }
        copy.attach(step);
        if (trainable) {
            copy.setRequiresGradient(true);
        }
        return copy;
    }

    /**
     * Starts a training step: copies made from now on live in the step's manager.
     *
     * @param stepManager the step's manager
     */
    public void beginStep(NDManager stepManager) {
        step = stepManager;
        copies.clear();
        replica = 0;
    }

    /**
     * Chooses the replica whose copies the next forward pass gets.
     *
     * @param index the replica, 0 to {@code devices().size() - 1}
     */
    public void replica(int index) {
        if (index < 0 || index >= devices.size()) {
            throw new IllegalArgumentException("replica " + index + " of " + devices.size());
        }
        replica = index;
    }

    /**
     * Sums every replica's gradient, in fp32 on the first device, into the master parameters' gradients (which the
     * loop cleared after the last step, so after the first micro-batch they hold exactly the sum).
     */
    public void gatherGradients() {
        if (passThrough || step == null) {
            return;
        }
        seedMasterGradients();
        for (Replicated r : copies.values()) {
            Parameter p = r.parameter();
            if (!p.requiresGradient()) {
                continue;
            }
            NDArray masterGradient = p.getArray().getGradient();
            for (NDArray a : r.arrays()) {
                if (a == null || a == p.getArray()) {
                    continue;
                }
                NDArray g = a.getGradient();
                NDArray onFirst = g.getDevice().equals(masterGradient.getDevice()) ? g
                        : g.toDevice(masterGradient.getDevice(), false);
                masterGradient.addi(Owned.as(onFirst, masterGradient.getDataType()));
            }
        }
    }

    /**
     * A master parameter that never took part in a backward pass has no gradient tensor in libtorch: DJL's
     * {@code getGradient()} then answers a new array of zeros each call, so adding into it (and the optimizer
     * reading it) would change nothing. One backward pass of {@code 0 · Σ master} gives each master its gradient
     * tensor (zeros), once; from then on {@code getGradient()} is a handle on it.
     */
    private void seedMasterGradients() {
        List<Parameter> unseeded = new ArrayList<>();
        for (Replicated r : copies.values()) {
            if (r.parameter().requiresGradient() && !seeded.contains(r.parameter().getId())) {
                unseeded.add(r.parameter());
            }
        }
        if (unseeded.isEmpty()) {
            return;
        }
        // Inside the collector: autograd records only in grad mode, which the collector turns on.
        try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
            NDArray zero = null;
            for (Parameter p : unseeded) {
                NDArray term = Scalars.mul(p.getArray().sum(), 0f);
                zero = zero == null ? term : zero.add(term);
            }
            c.backward(zero);
        }
        List<String> ids = unseeded.stream().map(Parameter::getId).toList();
        seeded.addAll(ids);
    }

    /** Ends the step: the copies are dropped (the step's manager frees them); masters are returned again. */
    public void endStep() {
        step = null;
        copies.clear();
        replica = 0;
    }

    /**
     * The parameters handed out as copies during this step, for tests.
     *
     * @return their ids
     */
    List<String> replicatedIds() {
        return new ArrayList<>(copies.keySet());
    }
}
