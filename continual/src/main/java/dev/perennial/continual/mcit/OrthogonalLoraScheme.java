package dev.perennial.continual.mcit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.perennial.continual.llaca.DecoderAdapters;
import dev.perennial.llava.LlavaModel;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.Scalars;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * O-LoRA's adapters on LLaVA's decoder (spec mcit.md §2): an {@link OrthogonalLoraAdapter} on every target layer,
 * with one slice per adapted task; in task t only slice t trains (earlier slices stay frozen) and the loss gains
 * <pre>
 * λ₁ · Σ_layers Σ_{j&lt;t} Σ |A_j A_tᵀ|   ("orthogonality")    +    λ₂ · Σ_layers (‖A_t‖₂ + ‖B_t‖₂)   ("l2")
 * </pre>
 * (official {@code uie_trainer_lora.py} L90–110; a term with a zero coefficient is left out, so it gives no gradient).
 */
final class OrthogonalLoraScheme implements DecoderAdapters {
    private final String plugin;
    private final OLoraProvider.Config config;
    private final int slices;
    private final Map<String, OrthogonalLoraAdapter> adapters = new LinkedHashMap<>();
    private int current = -1;

    /**
     * @param plugin the plugin's name, for messages
     * @param config the settings
     * @param slices the number of adapted tasks
     */
    OrthogonalLoraScheme(String plugin, OLoraProvider.Config config, int slices) {
        this.plugin = plugin;
        this.config = config;
        this.slices = slices;
    }

    @Override
    public void inject(LlavaModel model) {
        var m = config.model();
        float scaling = m.loraAlpha() / m.loraRank();
        for (Map.Entry<String, Linear> e : DecoderLinears.find(plugin, model, m.loraTargets()).entrySet()) {
            Linear linear = e.getValue();
            OrthogonalLoraAdapter adapter = new OrthogonalLoraAdapter(linear, slices, m.loraRank(), scaling,
                    m.loraDropout(), config.forwardOldAdapters());
            NDArray w = linear.weight().getArray();
            adapter.initialize(w.getManager(), w.getDataType());
            linear.attachAdapter(adapter);
            adapters.put(e.getKey(), adapter);
        }
    }

    @Override
    public Set<String> startTask(int adaptedTask) {
        if (adaptedTask >= slices) {
            throw new IllegalArgumentException(plugin + ": adapted task " + adaptedTask + " needs a LoRA slice, but"
                    + " only " + slices + " exist (slices: give at least the number of tasks after model.fullTuneTasks)");
        }
        current = adaptedTask;
        Set<String> names = new TreeSet<>();
        for (Map.Entry<String, OrthogonalLoraAdapter> e : adapters.entrySet()) {
            e.getValue().setCurrent(adaptedTask);
            names.add(DecoderLinears.DECODER + e.getKey() + "." + OrthogonalLoraAdapter.nameA(adaptedTask) + ".weight");
            names.add(DecoderLinears.DECODER + e.getKey() + "." + OrthogonalLoraAdapter.nameB(adaptedTask) + ".weight");
        }
        return names;
    }

    @Override
    public Map<String, NDArray> lossTerms(NDManager manager) {
        Map<String, NDArray> terms = new LinkedHashMap<>();
        if (config.lambda1() > 0 && current > 0) {
            terms.put("orthogonality", Scalars.mul(orthogonality(manager), config.lambda1()));
        }
        if (config.lambda2() > 0 && current >= 0) {
            NDArray sum = null;
            for (OrthogonalLoraAdapter a : adapters.values()) {
                NDArray n = a.currentNorms(manager);
                sum = sum == null ? n : sum.add(n);
            }
            terms.put("l2", Scalars.mul(sum, config.lambda2()));
        }
        return terms;
    }

    /**
     * Σ_layers Σ_{j&lt;t} Σ |A_j A_tᵀ|, unweighted.
     *
     * @param manager receives the result
     * @return a scalar (0 in the first task)
     */
    NDArray orthogonality(NDManager manager) {
        NDArray sum = null;
        for (OrthogonalLoraAdapter a : adapters.values()) {
            NDArray term = a.orthogonality(manager);
            if (term != null) {
                sum = sum == null ? term : sum.add(term);
            }
        }
        return sum == null ? manager.zeros(new ai.djl.ndarray.types.Shape()) : sum;
    }

    /** @return module name (relative to the decoder) to adapter */
    Map<String, OrthogonalLoraAdapter> adapters() {
        return adapters;
    }
}
