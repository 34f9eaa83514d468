package dev.perennial.llava;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.io.SafetensorsFile;
import dev.perennial.models.io.SafetensorsWriter;
import dev.perennial.models.pet.LoraConfig;
import dev.perennial.models.pet.LoraLayers;
import dev.perennial.models.pet.ParameterFreezer;
import dev.perennial.spi.ParameterGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * LLaVA's LoRA fine-tuning setup (LLaVA {@code train.py} with {@code --lora_enable}, CoIN / LLaCA recipe, llaca.md
 * §2.5 and §4): LoRA adapters injected by module-name pattern into the decoder's linear layers (never
 * {@code lm_head}, the projector or the vision tower), the projector trainable, every other parameter frozen.
 *
 * <p>Saved like the LLaVA repository saves a LoRA run: {@code adapter_model.safetensors} with PEFT names relative
 * to the decoder ({@code base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight}) and
 * {@code non_lora_trainables.safetensors} with the projector under its original names
 * ({@code base_model.model.model.mm_projector.0.weight}).
 */
public final class LlavaLoraSetup {
    /** CoIN's projector learning rate relative to the LoRA learning rate: 2e-5 / 2e-4 (llaca.md §4). */
    public static final double COIN_PROJECTOR_LR_SCALE = 0.1;
    /** File name of the adapter tensors. */
    public static final String ADAPTER_FILE = "adapter_model.safetensors";
    /** File name of the other trainable tensors (the projector). */
    public static final String NON_LORA_FILE = "non_lora_trainables.safetensors";

    private static final String DECODER = "language_model.";
    private static final String PROJECTOR = "multi_modal_projector.";

    private final LlavaModel model;
    private final LoraLayers lora;
    private final boolean projectorTrainable;

    private LlavaLoraSetup(LlavaModel model, LoraLayers lora, boolean projectorTrainable) {
        this.model = model;
        this.lora = lora;
        this.projectorTrainable = projectorTrainable;
    }

    /**
     * Injects LoRA into the decoder and sets which parameters train.
     *
     * @param model an initialised (loaded) model
     * @param config rank, α, dropout and target modules, matched against the decoder's module names
     *     ({@code model.layers.0.self_attn.q_proj}); {@link LoraConfig#llacaDefaults()} is CoIN's recipe
     * @param trainProjector whether the projector trains too (LLaVA / CoIN: yes)
     * @return the setup
     * @throws IllegalArgumentException if nothing matches or {@code lm_head} would be adapted
     */
    public static LlavaLoraSetup apply(LlavaModel model, LoraConfig config, boolean trainProjector) {
        if (config.matches("lm_head")) {
            throw new IllegalArgumentException("lora: target modules match lm_head; LLaVA excludes the output head "
                    + "(target the decoder's q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)");
        }
        LoraLayers layers = LoraLayers.inject(model.languageModel(), config);
        LlavaLoraSetup setup = new LlavaLoraSetup(model, layers, trainProjector);
        ParameterFreezer.trainOnly(model, setup.trainableNames());
        return setup;
    }

    /** @return the injected adapters (module names relative to the decoder) */
    public LoraLayers lora() {
        return lora;
    }

    /** @return the names of the parameters that train, in {@link LlavaModel}'s naming */
    public Set<String> trainableNames() {
        Set<String> names = new TreeSet<>();
        for (String n : lora.parameterNames()) {
            names.add(DECODER + n);
        }
        if (projectorTrainable) {
            names.addAll(projectorParameters().keySet());
        }
        return names;
    }

    /** @return the LoRA A and B matrices by name */
    public Map<String, Parameter> loraParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        ParameterNames.of(model).forEach((name, p) -> {
            if (name.startsWith(DECODER) && (name.contains(".lora_A.") || name.contains(".lora_B."))) {
                out.put(name, p);
            }
        });
        return out;
    }

    /** @return the projector's weights and biases by name */
    public Map<String, Parameter> projectorParameters() {
        return projectorParameters(model);
    }

    /**
     * The projector's weights and biases of a model, whatever adapts its decoder.
     *
     * @param model the model
     * @return torch-style name to parameter
     */
    public static Map<String, Parameter> projectorParameters(LlavaModel model) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        ParameterNames.of(model).forEach((name, p) -> {
            if (name.startsWith(PROJECTOR)) {
                out.put(name, p);
            }
        });
        return out;
    }

    /**
     * The two learning-rate groups of the CoIN recipe for the shared loop: LoRA at the experiment's rate, the
     * projector at {@code projectorScale} of it (0.1 = 2e-5 / 2e-4). Patterns match {@link LlavaModel}'s torch-style
     * parameter names.
     *
     * @param projectorScale the projector's learning-rate multiplier
     * @return the groups
     */
    public List<ParameterGroup> parameterGroups(double projectorScale) {
        List<ParameterGroup> groups = new ArrayList<>();
        groups.add(new ParameterGroup("lora", "language_model\\..*\\.lora_[AB]\\.weight", 1.0, Double.NaN));
        if (projectorTrainable) {
            groups.add(new ParameterGroup("projector", "multi_modal_projector\\..*", projectorScale, Double.NaN));
        }
        return groups;
    }

    /**
     * Writes the trainable tensors: {@value #ADAPTER_FILE} and, when the projector trains, {@value #NON_LORA_FILE}.
     *
     * @param dir the directory (created if needed)
     * @throws IOException if a file cannot be written
     */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        lora.save(dir.resolve(ADAPTER_FILE));
        if (projectorTrainable) {
            SafetensorsWriter writer = SafetensorsWriter.create().metadata("format", "pt");
            projectorParameters().forEach((name, p) -> writer.add(
                    "base_model.model." + CheckpointLayout.ORIGINAL.checkpointName(name), p.getArray()));
            writer.write(dir.resolve(NON_LORA_FILE));
        }
    }

    /**
     * Reads tensors written by {@link #save} (or by LLaVA's LoRA training, converted to safetensors) into the live
     * adapters and projector.
     *
     * @param dir the directory
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException naming missing, unexpected or mis-shaped tensors
     */
    public void load(Path dir) throws IOException {
        lora.load(dir.resolve(ADAPTER_FILE));
        Path extra = dir.resolve(NON_LORA_FILE);
        if (!projectorTrainable || !Files.isRegularFile(extra)) {
            return;
        }
        Map<String, Parameter> projector = projectorParameters();
        try (SafetensorsFile file = SafetensorsFile.open(extra)) {
            List<String> problems = new ArrayList<>();
            Map<String, String> targets = new LinkedHashMap<>();
            for (String name : projector.keySet()) {
                targets.put("base_model.model." + CheckpointLayout.ORIGINAL.checkpointName(name), name);
            }
            for (String n : file.names()) {
                if (!targets.containsKey(n)) {
                    problems.add("unexpected " + n);
                }
            }
            for (String n : targets.keySet()) {
                if (!file.names().contains(n)) {
                    problems.add("missing " + n);
                } else if (!file.shape(n).equals(projector.get(targets.get(n)).getArray().getShape())) {
                    problems.add(n + " has shape " + file.shape(n) + ", expected "
                            + projector.get(targets.get(n)).getArray().getShape());
                }
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(extra + ": does not fit the projector: " + problems);
            }
            for (Map.Entry<String, String> e : targets.entrySet()) {
                NDArray target = projector.get(e.getValue()).getArray();
                try (NDManager scope = target.getManager().newSubManager()) {
                    NDArray value = file.read(e.getKey(), scope);
                    if (value.getDataType() != target.getDataType()) {
                        value = value.toType(target.getDataType(), false);
                    }
                    value.copyTo(target);
                }
            }
        }
    }
}
