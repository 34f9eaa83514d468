package dev.perennial.benchmarks.vqa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.continual.vqa.MiniCoin;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The benchmark's experiments, derived from the shipped continual-VQA sample so that its numbers (model sizes,
 * LoRA recipe, data sizes, optimizer, epochs) live in one place: the sample's file. A variant changes only
 * <ul>
 *   <li>the learner: {@code llaca} keeps the sample's learner configuration as it is; {@code lora-seq},
 *       {@code ema-fixed} (β = 0.99 by its default), {@code multitask}, {@code o-lora} (official defaults: λ₁ 0.5,
 *       λ₂ 0, old slices in the forward pass, one slice of the sample's rank per task) and {@code moe-lora} (CoIN's
 *       8 experts, dense routing, the sample's rank as the total) get the sample's {@code model} section and nothing
 *       else, so all share the model, the LoRA recipe and the base training; {@code o-lora-mcitlib} is
 *       {@code o-lora} as MCITlib's port (no old slices while training, λ₁ 0.05);</li>
 *   <li>for {@code multitask}, the scenario: {@code joint: true, jointFrom: fullTuneTasks} (the base task stays
 *       separate, every Mini-CoIN task is trained at once), plus one {@link TaskAccuracyProvider} metric per task
 *       so the joint evaluation is also scored task by task;</li>
 *   <li>the run seed, the run folder, the name, and (only when asked) the epochs per task.</li>
 * </ul>
 * Two ablations are also offered: {@code llaca-scale-<s>} is {@code llaca} with the EMA's scale factor s per tensor
 * (the paper's unit; e.g. {@code llaca-scale-2}, CoIN's value, {@code llaca-scale-0.01}, Continual-NExT's; spec
 * llaca.md §2.4), {@code llaca-element-<s>} with s per element ({@code ema.scaleUnit: ELEMENT}), everything else as
 * the sample's. Every variant runs the whole sequence, base task included, without the sample's {@code compare}
 * section, with {@code seeds: paired}, so all learners of one seed train the same base model.
 * The Mini-CoIN data seed stays the sample's: the seeds vary the model's initialisation and the batch order,
 * not the benchmark data.
 */
public final class ContinualVqaExperiments {
    /** The learners the benchmark compares, in the order they are printed. */
    public static final List<String> LEARNERS = List.of("lora-seq", "ema-fixed", "llaca", "multitask", "o-lora",
            "moe-lora");
    /** O-LoRA as MCITlib ports it to LLaVA (spec mcit.md §2.2): no old slices in training passes, λ₁ 0.05. */
    public static final String O_LORA_MCITLIB = "o-lora-mcitlib";
    /** The prefix of the scale ablation's names, {@code llaca-scale-<s>}. */
    public static final String LLACA_SCALE = "llaca-scale-";
    /** The prefix of the per-element scale ablation's names, {@code llaca-element-<s>}. */
    public static final String LLACA_ELEMENT = "llaca-element-";
    /** The shipped sample, relative to the repository root (where {@code bin/benchmark} runs). */
    public static final Path SAMPLE = Path.of("samples/src/main/resources/dev/perennial/samples/continual-vqa.yaml");

    private final ExperimentConfig sample;
    private final String where;
    private final ObjectNode learnerConfig;
    private final ObjectNode model;

    /**
     * Wraps the sample experiment.
     *
     * @param sample the sample's configuration; its learner must be {@code llaca} with a {@code model} section
     * @param where names the sample (its file) in messages
     * @throws IllegalArgumentException naming the file and field when the sample is not an llaca experiment
     */
    public ContinualVqaExperiments(ExperimentConfig sample, String where) {
        this.sample = sample;
        this.where = where;
        if (!sample.learner().name().equals("llaca")) {
            throw new IllegalArgumentException(where + ": learner must be 'llaca' (the benchmark derives its"
                    + " baselines from the sample's llaca configuration), was '" + sample.learner().name() + "'");
        }
        learnerConfig = sample.learner().config().deepCopy();
        JsonNode m = learnerConfig.get("model");
        model = m != null && m.isObject() ? (ObjectNode) m.deepCopy() : JsonNodeFactory.instance.objectNode();
    }

    /**
     * Reads the sample file.
     *
     * @param file the continual-VQA experiment (YAML or JSON)
     * @return the experiments
     */
    public static ContinualVqaExperiments read(Path file) {
        return new ContinualVqaExperiments(ExperimentFiles.read(file), file.toString());
    }

    /**
     * The sample's configuration.
     *
     * @return the configuration the variants start from
     */
    public ExperimentConfig sample() {
        return sample;
    }

    /**
     * The experiment of one learner and seed.
     *
     * @param learner one of {@link #LEARNERS}, or {@code llaca-scale-<s>} with s > 0
     * @param seed the run seed
     * @param epochs the epochs per task, or empty for the sample's
     * @param runDirectory the folder that receives the run folder
     * @return the experiment's configuration, validated
     * @throws IllegalArgumentException for an unknown learner, naming the accepted ones
     */
    public ExperimentConfig variant(String learner, long seed, OptionalInt epochs, Path runDirectory) {
        ObjectNode tree = ExperimentFiles.toTree(sample);
        tree.put("name", sample.name() + "-" + learner + "-seed" + seed);
        tree.put("seed", seed);
        tree.put("runDirectory", runDirectory.toString());
        tree.remove("compare"); // every learner runs the whole sequence here; paired seeds give them one base
        tree.put("seeds", ExperimentConfig.PAIRED_SEEDS);
        ObjectNode ref = JsonNodeFactory.instance.objectNode();
        ref.put("name", learner);
        String kind = learner.startsWith(LLACA_SCALE) ? LLACA_SCALE
                : learner.startsWith(LLACA_ELEMENT) ? LLACA_ELEMENT : learner;
        switch (kind) {
            case LLACA_SCALE, LLACA_ELEMENT -> {
                ref.put("name", "llaca");
                ref.set("config", withScale(learner, kind));
            }
            case "llaca" -> ref.set("config", learnerConfig.deepCopy());
            case "lora-seq", "ema-fixed", "o-lora", "moe-lora" -> ref.set("config", withModel());
            case O_LORA_MCITLIB -> {
                ref.put("name", "o-lora");
                ObjectNode c = withModel();
                c.put("forwardOldAdapters", false);
                c.put("lambda1", 0.05);
                ref.set("config", c);
            }
            case "multitask" -> {
                ref.set("config", withModel());
                ObjectNode scenario = ((ObjectNode) tree.get("scenario")).deepCopy();
                ObjectNode sc = scenario.get("config") instanceof ObjectNode o ? o
                        : JsonNodeFactory.instance.objectNode();
                sc.put("joint", true);
                sc.put("jointFrom", model.path("fullTuneTasks").asInt(0));
                scenario.set("config", sc);
                tree.set("scenario", scenario);
                ArrayNode metrics = ((ArrayNode) tree.get("metrics")).deepCopy();
                for (String task : datasetTasks()) {
                    ObjectNode metric = JsonNodeFactory.instance.objectNode();
                    metric.put("name", TaskAccuracyProvider.PREFIX + task);
                    metrics.add(metric);
                }
                tree.set("metrics", metrics);
            }
            default -> throw new IllegalArgumentException("--learners: unknown learner '" + learner + "'; accepted: "
                    + String.join(", ", LEARNERS) + ", " + O_LORA_MCITLIB + ", " + LLACA_SCALE + "<s> (llaca with scale s > 0 per tensor) or "
                    + LLACA_ELEMENT + "<s> (s > 0 per element)");
        }
        tree.set("learner", ref);
        epochs.ifPresent(e -> ((ObjectNode) tree.get("training")).put("epochs", e));
        return ExperimentFiles.bind(tree, where + " (" + learner + ", seed " + seed + ")");
    }

    /**
     * The Mini-CoIN tasks the sample's data holds (its {@code tasks}, else all); empty for another data set, whose
     * task names have no {@link TaskAccuracyProvider}.
     */
    List<String> datasetTasks() {
        if (!sample.dataset().name().equals("mini-coin")) {
            return List.of();
        }
        JsonNode tasks = sample.dataset().config().path("tasks");
        List<String> out = new ArrayList<>();
        if (tasks.isArray() && !tasks.isEmpty()) {
            tasks.forEach(t -> out.add(t.asText()));
            return out;
        }
        return MiniCoin.TASKS;
    }

    /**
     * The sample's llaca configuration with {@code ema.scale} set from {@code llaca-scale-<s>} (and scaleUnit
     * TENSOR) or {@code llaca-element-<s>} (scaleUnit ELEMENT).
     */
    private ObjectNode withScale(String learner, String prefix) {
        String text = learner.substring(prefix.length());
        double scale;
        try {
            scale = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            scale = Double.NaN;
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("--learners: '" + learner + "' must be " + prefix
                    + "<s> with a finite number s > 0, e.g. " + prefix + "0.01");
        }
        ObjectNode c = learnerConfig.deepCopy();
        ObjectNode ema = c.get("ema") instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
        ema.put("scale", scale);
        ema.put("scaleUnit", prefix.equals(LLACA_ELEMENT) ? "ELEMENT" : "TENSOR");
        c.set("ema", ema);
        return c;
    }

    private ObjectNode withModel() {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.set("model", model.deepCopy());
        return c;
    }
}
