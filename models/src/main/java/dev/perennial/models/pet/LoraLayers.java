package dev.perennial.models.pet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.perennial.models.io.SafetensorsFile;
import dev.perennial.models.io.SafetensorsWriter;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.NamedModules;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The LoRA adapters injected into a model, as PEFT's {@code get_peft_model}: found by module-name pattern, attached
 * to the existing {@link Linear} layers (the base weights keep their checkpoint names), mergeable into the base
 * weights and back, and saved / loaded alone under PEFT's adapter names
 * ({@code base_model.model.<module>.lora_A.weight}, {@code ….lora_B.weight}).
 *
 * <pre>{@code
 * LoraLayers lora = LoraLayers.inject(llama, LoraConfig.llacaDefaults());
 * ParameterFreezer.trainOnly(llama, lora.parameterNames());   // base frozen, adapters trainable
 * ... train ...
 * lora.save(Path.of("adapter_model.safetensors"));
 * }</pre>
 */
public final class LoraLayers {
    /** PEFT's prefix in saved adapters: the PeftModel wrapper ({@code base_model}) around the LoraModel's {@code model}. */
    public static final String PEFT_PREFIX = "base_model.model.";

    private final LoraConfig config;
    private final Map<String, LoraAdapter> adapters;
    private final Map<String, Linear> layers;

    private LoraLayers(LoraConfig config, Map<String, LoraAdapter> adapters, Map<String, Linear> layers) {
        this.config = config;
        this.adapters = Collections.unmodifiableMap(adapters);
        this.layers = Collections.unmodifiableMap(layers);
    }

    /**
     * Attaches a LoRA adapter to every matching linear layer of an initialised model and initialises the adapters
     * on the device and in the type of each base weight (lora_A Kaiming-uniform, lora_B zero).
     *
     * @param root the model (initialised)
     * @param config rank, α, dropout and targets
     * @return the injected adapters
     * @throws IllegalArgumentException when nothing matches, a match is not a Linear layer, or a layer already carries
     *     an adapter (the message lists what matched)
     */
    public static LoraLayers inject(Block root, LoraConfig config) {
        Map<String, Block> modules = NamedModules.of(root);
        Map<String, Linear> targets = new LinkedHashMap<>();
        List<String> notLinear = new ArrayList<>();
        for (Map.Entry<String, Block> e : modules.entrySet()) {
            if (isAdapterPart(e.getKey()) || !config.matches(e.getKey())) {
                continue;
            }
            if (e.getValue() instanceof Linear linear) {
                targets.put(e.getKey(), linear);
            } else {
                notLinear.add(e.getKey() + " (" + e.getValue().getClass().getSimpleName() + ")");
            }
        }
        if (!notLinear.isEmpty()) {
            throw new IllegalArgumentException(
                    "lora: target modules must be linear layers; these matched but are not: " + notLinear);
        }
        if (targets.isEmpty()) {
            List<String> linearNames = modules.entrySet().stream()
                    .filter(e -> e.getValue() instanceof Linear)
                    .map(Map.Entry::getKey)
                    .limit(12)
                    .toList();
            throw new IllegalArgumentException("lora: no module matches target_modules " + config.targetModules()
                    + config.targetPattern().map(p -> " or pattern " + p).orElse("")
                    + "; linear layers of this model include " + linearNames);
        }
        Map<String, LoraAdapter> adapters = new LinkedHashMap<>();
        for (Map.Entry<String, Linear> e : targets.entrySet()) {
            Linear linear = e.getValue();
            if (linear.adapter().isPresent()) {
                throw new IllegalArgumentException("lora: " + e.getKey() + " already carries an adapter");
            }
            NDArray w = linear.weight().getArray();
            if (w == null) {
                throw new IllegalStateException("lora: initialise the model before injecting (" + e.getKey()
                        + ".weight has no value yet)");
            }
            LoraAdapter adapter = new LoraAdapter(linear, config);
            DataType type = w.getDataType();
            NDManager manager = w.getManager();
            adapter.loraA().initialize(manager, type);
            adapter.loraB().initialize(manager, type);
            linear.attachAdapter(adapter);
            adapters.put(e.getKey(), adapter);
        }
        return new LoraLayers(config, adapters, targets);
    }

    private static boolean isAdapterPart(String name) {
        return name.endsWith(".lora_A") || name.endsWith(".lora_B") || name.equals("lora_A") || name.equals("lora_B");
    }

    /** @return the settings */
    public LoraConfig config() {
        return config;
    }

    /** @return module name to adapter, in model order */
    public Map<String, LoraAdapter> adapters() {
        return adapters;
    }

    /** @return the adapted module names */
    public Set<String> moduleNames() {
        return adapters.keySet();
    }

    /** @return the torch-style names of the adapter parameters inside the model ({@code <module>.lora_A.weight}) */
    public Set<String> parameterNames() {
        Set<String> names = new TreeSet<>();
        for (String module : adapters.keySet()) {
            names.add(module + ".lora_A.weight");
            names.add(module + ".lora_B.weight");
        }
        return names;
    }

    /** @return every lora_A and lora_B parameter */
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        for (LoraAdapter a : adapters.values()) {
            out.add(a.loraA().weight());
            out.add(a.loraB().weight());
        }
        return out;
    }

    /** Folds every update into its base weight: W₀ ← W₀ + (α/r)·B·A (PEFT {@code merge_adapter}). */
    public void merge() {
        adapters.values().forEach(LoraAdapter::merge);
    }

    /** Takes every update out of its base weight again (PEFT {@code unmerge_adapter}). */
    public void unmerge() {
        adapters.values().forEach(LoraAdapter::unmerge);
    }

    /**
     * Unmerges and detaches every adapter, restoring the base model (PEFT {@code unload}); the adapter parameters are
     * closed.
     */
    public void remove() {
        unmerge();
        for (Map.Entry<String, Linear> e : layers.entrySet()) {
            e.getValue().detachAdapter();
            LoraAdapter a = adapters.get(e.getKey());
            a.loraA().weight().close();
            a.loraB().weight().close();
        }
    }

    /**
     * The adapter tensors under PEFT's saved names (no copy: the live arrays).
     *
     * @return {@code base_model.model.<module>.lora_A.weight} etc. to array
     */
    public Map<String, NDArray> adapterTensors() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, LoraAdapter> e : adapters.entrySet()) {
            out.put(PEFT_PREFIX + e.getKey() + ".lora_A.weight", e.getValue().loraA().weight().getArray());
            out.put(PEFT_PREFIX + e.getKey() + ".lora_B.weight", e.getValue().loraB().weight().getArray());
        }
        return out;
    }

    /**
     * Writes only the adapter tensors, as PEFT's {@code adapter_model.safetensors}, with r, α and targets as metadata.
     *
     * @param file the file to write
     * @throws IOException if it cannot be written
     */
    public void save(Path file) throws IOException {
        SafetensorsWriter writer = SafetensorsWriter.create();
        adapterTensors().forEach(writer::add);
        writer.metadata("format", "pt")
                .metadata("r", Integer.toString(config.rank()))
                .metadata("lora_alpha", Float.toString(config.alpha()))
                .metadata("target_modules", String.join(",", config.targetModules()))
                .write(file);
    }

    /**
     * Copies adapter tensors (PEFT names) into the injected adapters. Unmerges first, so a merged model stays
     * consistent.
     *
     * @param tensors name to tensor, e.g. read from an {@code adapter_model.safetensors}
     * @throws IllegalArgumentException listing missing, unexpected and mis-shaped tensors by name
     */
    public void loadAdapterTensors(Map<String, NDArray> tensors) {
        Map<String, NDArray> targets = adapterTensors();
        List<String> problems = new ArrayList<>();
        for (String name : targets.keySet()) {
            if (!tensors.containsKey(name)) {
                problems.add("missing " + name);
            } else if (!tensors.get(name).getShape().equals(targets.get(name).getShape())) {
                problems.add(name + " has shape " + tensors.get(name).getShape() + ", expected "
                        + targets.get(name).getShape());
            }
        }
        for (String name : tensors.keySet()) {
            if (!targets.containsKey(name)) {
                problems.add("unexpected " + name);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("lora: adapter tensors do not fit the injected adapters (rank "
                    + config.rank() + ", modules " + moduleNames().size() + "): " + problems);
        }
        boolean wasMerged = adapters.values().stream().anyMatch(LoraAdapter::merged);
        unmerge();
        for (Map.Entry<String, NDArray> e : targets.entrySet()) {
            NDArray src = tensors.get(e.getKey());
            NDArray dst = e.getValue();
            if (src.getDataType() != dst.getDataType()) {
                try (NDArray converted = src.toType(dst.getDataType(), true)) {
                    converted.copyTo(dst);
                }
            } else {
                src.copyTo(dst);
            }
        }
        if (wasMerged) {
            merge();
        }
    }

    /**
     * Reads an adapter file written by {@link #save} or by PEFT ({@code adapter_model.safetensors}; BF16 is widened
     * by the validating reader) into the injected adapters.
     *
     * @param file the adapter file
     * @throws IOException if the file cannot be read or is malformed
     */
    public void load(Path file) throws IOException {
        NDManager manager = adapters.values().iterator().next().loraA().weight().getArray().getManager();
        try (NDManager scope = manager.newSubManager();
                SafetensorsFile source = SafetensorsFile.open(file)) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (String name : source.names()) {
                tensors.put(name, source.read(name, scope));
            }
            try {
                loadAdapterTensors(tensors);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }
    }
}
