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
 * MoELoRA's adapters on LLaVA's decoder (spec mcit.md §3): a {@link MixtureLoraAdapter} on every target layer; the
 * experts and routers of every layer train in every task, each task starting from the last one's weights. With a
 * positive {@code balanceWeight} (an extension) the loss gains {@code balanceWeight ·} the load-balancing term
 * averaged over the adapted layers ("load-balance").
 */
final class MixtureLoraScheme implements DecoderAdapters {
    private final String plugin;
    private final MoeLoraProvider.Config config;
    private final Map<String, MixtureLoraAdapter> adapters = new LinkedHashMap<>();

    MixtureLoraScheme(String plugin, MoeLoraProvider.Config config) {
        this.plugin = plugin;
        this.config = config;
    }

    @Override
    public void inject(LlavaModel model) {
        var m = config.model();
        float scaling = m.loraAlpha() / m.loraRank();
        for (Map.Entry<String, Linear> e : DecoderLinears.find(plugin, model, m.loraTargets()).entrySet()) {
            Linear linear = e.getValue();
            MixtureLoraAdapter adapter = new MixtureLoraAdapter(linear, m.loraRank(), config.experts(),
                    config.topK(), scaling, m.loraDropout());
            NDArray w = linear.weight().getArray();
            adapter.initialize(w.getManager(), w.getDataType());
            adapter.recordRouting(config.balanceWeight() > 0);
            linear.attachAdapter(adapter);
            adapters.put(e.getKey(), adapter);
        }
    }

    @Override
    public Set<String> startTask(int adaptedTask) {
        Set<String> names = new TreeSet<>();
        for (String module : adapters.keySet()) {
            for (String part : new String[] {"lora_router", "lora_A", "lora_B"}) {
                names.add(DecoderLinears.DECODER + module + "." + part + ".weight");
            }
        }
        return names;
    }

    @Override
    public Map<String, NDArray> lossTerms(NDManager manager) {
        if (!(config.balanceWeight() > 0)) {
            return Map.of();
        }
        NDArray sum = null;
        int layers = 0;
        for (MixtureLoraAdapter a : adapters.values()) {
            NDArray term = a.loadBalance(manager);
            if (term != null) {
                sum = sum == null ? term : sum.add(term);
                layers++;
            }
        }
        return sum == null ? Map.of() : Map.of("load-balance", Scalars.mul(sum, config.balanceWeight() / layers));
    }

    /** @return module name (relative to the decoder) to adapter */
    Map<String, MixtureLoraAdapter> adapters() {
        return adapters;
    }
}
