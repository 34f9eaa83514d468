package dev.perennial.continual.llaca;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.perennial.continual.vqa.MiniCoin;
import dev.perennial.llava.LlavaBatch;
import dev.perennial.llava.LlavaBatchEncoder;
import dev.perennial.llava.LlavaCheckpoint;
import dev.perennial.llava.LlavaExport;
import dev.perennial.llava.LlavaConfig;
import dev.perennial.llava.LlavaExample;
import dev.perennial.llava.LlavaLoraSetup;
import dev.perennial.llava.LlavaModel;
import dev.perennial.llava.LoadOptions;
import dev.perennial.llava.LoadedLlava;
import dev.perennial.llava.generate.GenerationConfig;
import dev.perennial.llava.generate.GenerationResult;
import dev.perennial.llava.generate.LlavaGenerator;
import dev.perennial.llava.image.LlavaImageProcessor;
import dev.perennial.llava.image.RgbImage;
import dev.perennial.llava.text.ConversationTemplate;
import dev.perennial.llava.text.LlavaTokenizer;
import dev.perennial.llava.text.WordLevelTokenizerFile;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.clip.ClipVisionConfig;
import dev.perennial.models.llama.LlamaConfig;
import dev.perennial.models.nn.ActivationFunction;
import dev.perennial.models.pet.LoraConfig;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.ParameterGroup;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskData;
import dev.perennial.spi.TaskInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Continual instruction tuning of LLaVA through the SPI: LoRA on the decoder plus the trainable projector,
 * trained with the answer-only next-token cross-entropy ({@link LlavaModel#answerLoss}); answers are generated
 * greedily. One class serves the four methods; {@link Method} says what happens around the optimizer steps:
 * <ul>
 *   <li>{@code lora-seq}: nothing (sequential LoRA tuning, the lower bound);</li>
 *   <li>{@code ema-fixed}: a constant EMA θ* = β·θ* + (1 − β)·θ after every step, θ ← θ* at the task's end;</li>
 *   <li>{@code llaca}: the adaptive EMA of {@link AdaptiveEmaUpdate} after every step (spec llaca.md §2.3, §2.6),
 *       θ ← θ* at the task's end;</li>
 *   <li>{@code multitask}: trained once on every task's data (the joint upper bound; see
 *       {@link MultitaskProvider}).</li>
 * </ul>
 * Another scheme can take the single LoRA's place ({@link #withAdapters}, {@link DecoderAdapters}): O-LoRA's
 * per-task slices and MoELoRA's experts ({@code dev.perennial.continual.mcit}) add their own loss terms, no EMA.
 * The first {@link LlavaModelConfig#fullTuneTasks()} tasks train the whole (tiny) model instead, with no EMA:
 * that is the base training of a model built from scratch; LoRA is injected when the next task begins.
 *
 * <p>The EMA hook runs once per optimizer step (spec §2.6), so with gradient accumulation g_t is the accumulated
 * gradient of the step (spec §7.10); the loop calls {@code afterStep} after the step and before it clears the
 * gradients, so they are never read as zeros (the silent degeneration of §7.4 cannot come from the hook order;
 * the adaptive/fallback counts show whether it happens for other reasons, e.g. tiny tensors with s = 2). The
 * gradient read is the one the optimizer used: the loop clips in place before the step, as the official trainer
 * does. A tracked tensor that none of the step's loss passes read (see {@link ReachRecordingStore}) counts as
 * having no gradient, as with torch's {@code zero_grad(set_to_none=True)}: that update and the tensor's next one
 * fall back.
 */
public final class LlavaInstructionLearner implements Learner {
    private static final String TASKS_SEEN = "tasksSeen";
    private static final String LORA_APPLIED = "loraApplied";
    private static final String ADAPTED_TASK = "adaptedTask";
    private static final String ADAPTIVE = "emaAdaptiveUpdates";
    private static final String FALLBACK = "emaFallbackUpdates";
    private static final String FRACTION = "emaAdaptiveFraction";
    private static final String RAW = "emaRawCoefficientLog10Histograms";

    /** What happens around the optimizer steps. */
    public enum Method {
        /** Sequential LoRA tuning. */
        LORA_SEQ,
        /** Constant-β EMA. */
        EMA_FIXED,
        /** LLaCA's adaptive EMA. */
        LLACA,
        /** Joint training on every task at once. */
        MULTITASK,
        /** Another adapter scheme than one plain LoRA ({@link DecoderAdapters}), with its own loss terms; no EMA. */
        ADAPTERS
    }

    private final String name;
    private final Method method;
    private final LlavaModelConfig config;
    private final PluginContext context;
    private final LlavaModel model;
    private final LlavaTokenizer tokenizer;
    private final LlavaBatchEncoder encoder;
    private final AdaptiveEmaUpdate ema;
    private final boolean emaOnFirstTask;
    private final Path tokenizerFile;
    private final DecoderAdapters adapters;
    private LlavaLoraSetup lora;
    private boolean adaptersInjected;
    private int adaptedTask = -1;
    private int tasksSeen;
    private boolean emaActive;
    /**
     * The parameters that the loss passes of optimizer step {@link #reachedStep} read, i.e. that received a
     * gradient in it (all micro-batches of an accumulated step together); see {@link ReachRecordingStore}.
     */
    private final Set<Parameter> reached = Collections.newSetFromMap(new IdentityHashMap<>());
    private long reachedStep = -1;

    /**
     * Builds (or loads) the model.
     *
     * @param name the plugin name, for messages
     * @param method the method
     * @param config the model
     * @param ema the EMA update for {@code ema-fixed} and {@code llaca}, else null (closed with the run's manager)
     * @param emaOnFirstTask whether the EMA runs on the first LoRA task too (spec §2.4 {@code emaOnFirstTask})
     * @param context the plugin context
     */
    LlavaInstructionLearner(String name, Method method, LlavaModelConfig config, AdaptiveEmaUpdate ema,
                            boolean emaOnFirstTask, PluginContext context) {
        this(name, method, config, ema, emaOnFirstTask, null, context);
    }

    /**
     * A learner whose decoder is adapted by another scheme than one plain LoRA (e.g. O-LoRA, MoELoRA); no EMA.
     *
     * @param name the plugin name, for messages
     * @param config the model; its {@code lora*} fields are the scheme's to read
     * @param adapters the scheme
     * @param context the plugin context
     * @return the learner
     * @throws IllegalArgumentException when {@code model.loraAdapter} is set (a PEFT LoRA cannot share the layers)
     */
    public static LlavaInstructionLearner withAdapters(String name, LlavaModelConfig config, DecoderAdapters adapters,
                                                       PluginContext context) {
        if (!config.loraAdapter().isEmpty()) {
            throw new IllegalArgumentException("learner '" + name + "': model.loraAdapter must be empty (its own"
                    + " adapters take the decoder's linear layers), was '" + config.loraAdapter() + "'");
        }
        return new LlavaInstructionLearner(name, Method.ADAPTERS, config, null, false,
                java.util.Objects.requireNonNull(adapters, "adapters"), context);
    }

    private LlavaInstructionLearner(String name, Method method, LlavaModelConfig config, AdaptiveEmaUpdate ema,
                                    boolean emaOnFirstTask, DecoderAdapters adapters, PluginContext context) {
        this.name = name;
        this.adapters = adapters;
        this.method = method;
        this.config = config;
        this.context = context;
        this.ema = ema;
        this.emaOnFirstTask = emaOnFirstTask;
        ConversationTemplate vicuna = ConversationTemplate.vicunaV1();
        ConversationTemplate template = new ConversationTemplate(config.systemPrompt(), vicuna.userRole(), vicuna.assistantRole(),
                        vicuna.separator(), vicuna.answerEnd(), vicuna.imageToken());
        try {
            if (!config.checkpoint().isEmpty()) {
                LoadedLlava loaded = LlavaCheckpoint.load(Path.of(config.checkpoint()),
                        LoadOptions.strict(context.manager()));
                model = loaded.model();
                tokenizer = loaded.tokenizer();
                tokenizerFile = Path.of(config.checkpoint()).resolve(LlavaCheckpoint.TOKENIZER_FILE);
                encoder = new LlavaBatchEncoder(tokenizer, template, loaded.imageProcessor(), 0);
            } else {
                Path file = tokenizerFile(config, context);
                tokenizerFile = file;
                int vocabulary = countVocabulary(file);
                tokenizer = LlavaTokenizer.open(file, 3, 1, 2);
                LlavaConfig tiny = LlavaConfig.of(
                        LlamaConfig.of(vocabulary, config.hiddenSize(), config.intermediateSize(), config.layers(),
                                config.heads(), config.heads(), 1e-6f, 10000.0),
                        new ClipVisionConfig(config.visionImageSize(), config.visionPatchSize(), 3,
                                config.visionHiddenSize(), 2 * config.visionHiddenSize(), config.visionLayers(),
                                Math.max(1, config.visionHiddenSize() / 16), 1e-5f, ActivationFunction.QUICK_GELU),
                        3);
                context.manager().getEngine().setRandomSeed((int) context.seed());
                model = new LlavaModel(tiny);
                model.initialize(context.manager(), DataType.FLOAT32);
                encoder = new LlavaBatchEncoder(tokenizer, template,
                        LlavaImageProcessor.llava15(config.visionImageSize()), 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("learner '" + name + "': cannot load the model: " + e.getMessage(), e);
        }
        if (!config.loraAdapter().isEmpty()) {
            try {
                lora = LlavaExport.loadPeft(model, Path.of(config.loraAdapter()), true);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("learner '" + name + "': model.loraAdapter '" + config.loraAdapter()
                        + "': " + e.getMessage(), e);
            }
        }
        keepParameters();
    }

    private static Path tokenizerFile(LlavaModelConfig config, PluginContext context) throws IOException {
        if (config.tokenizer().equals("mini-coin")) {
            Path file = context.workDirectory().resolve("mini-coin-tokenizer.json");
            WordLevelTokenizerFile.write(file, MiniCoin.vocabulary());
            return file;
        }
        Path file = Path.of(config.tokenizer());
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("llava model config tokenizer: '" + file + "' is not a file; give"
                    + " 'mini-coin' or the path of a word-level tokenizer.json");
        }
        return file;
    }

    /** The vocabulary size of a word-level tokenizer.json: the largest id + 1. */
    private static int countVocabulary(Path file) throws IOException {
        com.google.gson.JsonObject root = com.google.gson.JsonParser.parseString(Files.readString(file))
                .getAsJsonObject();
        com.google.gson.JsonObject vocab = root.getAsJsonObject("model").getAsJsonObject("vocab");
        int max = 0;
        for (Map.Entry<String, com.google.gson.JsonElement> e : vocab.entrySet()) {
            max = Math.max(max, e.getValue().getAsInt());
        }
        return max + 1;
    }

    /** A hook may run inside one of the loop's NDScopes: the parameters must outlive it. */
    private void keepParameters() {
        for (Pair<String, Parameter> p : model.getParameters()) {
            if (p.getValue().isInitialized()) {
                NDScope.unregister(p.getValue().getArray());
            }
        }
    }

    /**
     * The LoRA rank, alpha, dropout and targets.
     *
     * @return the LoRA config
     */
    private LoraConfig loraConfig() {
        return new LoraConfig(config.loraRank(), config.loraAlpha(), config.loraDropout(), config.loraTargets(),
                Optional.empty(), false);
    }

    @Override
    public void beforeTask(TaskInfo task, TaskData data) {
        boolean full = task.index() < config.fullTuneTasks();
        if (!full && !adapted()) {
            injectAdapters();
        }
        if (!full && adapters != null) {
            startAdaptedTask(task.index() - config.fullTuneTasks());
        }
        emaActive = ema != null && !full && (emaOnFirstTask || task.index() > config.fullTuneTasks());
        if (ema != null) {
            ema.startTask(); // a fresh EMA per task: θ* starts at θ, the first step falls back (spec §5.4)
        }
    }

    private boolean adapted() {
        return lora != null || adaptersInjected;
    }

    private void injectAdapters() {
        if (adapters == null) {
            lora = LlavaLoraSetup.apply(model, loraConfig(), true);
        } else {
            adapters.inject(model);
            adaptersInjected = true;
        }
        keepParameters();
    }

    /** The scheme's tensors of this task and the projector train; everything else is frozen. */
    private void startAdaptedTask(int index) {
        Set<String> names = new java.util.TreeSet<>(adapters.startTask(index));
        names.addAll(LlavaLoraSetup.projectorParameters(model).keySet());
        dev.perennial.models.pet.ParameterFreezer.trainOnly(model, names);
        adaptedTask = index;
    }

    @Override
    public Block model() {
        return model;
    }

    @Override
    public List<ParameterGroup> parameterGroups() {
        if (!adapted()) {
            return List.of();
        }
        // the loop matches DJL path names; the projector's are found by identity with its torch-style names
        Map<Parameter, String> djlNames = new IdentityHashMap<>();
        for (Pair<String, Parameter> p : model.getParameters()) {
            djlNames.put(p.getValue(), p.getKey());
        }
        List<String> quoted = new ArrayList<>();
        for (Parameter p : LlavaLoraSetup.projectorParameters(model).values()) {
            quoted.add(Pattern.quote(djlNames.get(p)));
        }
        return List.of(new ParameterGroup("projector", String.join("|", quoted),
                config.projectorLearningRateScale(), Double.NaN));
    }

    @Override
    public LossTerms loss(Batch batch, StepContext step) {
        LlavaBatch encoded = encoder.forTraining(step.manager(), examples(batch, true));
        if (step.globalStep() != reachedStep) { // the first micro-batch of a new optimizer step
            reached.clear();
            reachedStep = step.globalStep();
        }
        ReachRecordingStore store = new ReachRecordingStore(step.manager());
        NDArray loss = model.answerLoss(store, step.manager(), encoded, step.training());
        reached.addAll(store.read());
        LossTerms terms = LossTerms.of("answer-ce", loss);
        if (adaptersInjected && step.training()) {
            for (Map.Entry<String, NDArray> e : adapters.lossTerms(step.manager()).entrySet()) {
                terms = terms.and(e.getKey(), e.getValue());
            }
        }
        return terms;
    }

    @Override
    public void afterStep(StepContext step) {
        if (emaActive) {
            // A tracked tensor that no loss pass of this step read has no gradient in this step (torch: None),
            // even though its DJL gradient array holds zeros; the EMA treats it as the official code does.
            Set<Parameter> received = reachedStep == step.globalStep() ? reached : Set.of();
            ema.updateAll(trainable(), received::contains);
        }
    }

    @Override
    public void afterTask(TaskInfo task, TaskData data) {
        if (emaActive) {
            ema.replace(trainable()); // ema_replace: the next task starts from θ*, which is evaluated and saved
        }
        tasksSeen = task.index() + 1;
    }

    @Override
    public Predictions predict(Batch batch, StepContext step) {
        LlavaBatch prompts = encoder.forGeneration(step.manager(), examples(batch, false));
        List<GenerationResult> results = new LlavaGenerator(model, tokenizer).generate(step.manager(), prompts,
                GenerationConfig.greedy(config.maxNewTokens()));
        return Predictions.ofTexts(results.stream().map(r -> r.text().strip()).toList());
    }

    /** The trainable tensors by torch-style name (LoRA A/B and the projector; everything in a full-tune task). */
    private Map<String, Parameter> trainable() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        ParameterNames.of(model).forEach((n, p) -> {
            if (p.requiresGradient()) {
                out.put(n, p);
            }
        });
        return out;
    }

    private List<LlavaExample> examples(Batch batch, boolean withAnswers) {
        List<String> questions = text(batch, "question");
        List<String> answers = withAnswers ? text(batch, "answer") : null;
        NDArray images = batch.input("image");
        long[] shape = images.getShape().getShape();
        if (shape.length != 4 || shape[1] != 3) {
            throw new IllegalArgumentException("learner '" + name + "': input 'image' must be B×3×H×W, was "
                    + images.getShape());
        }
        int h = (int) shape[2];
        int w = (int) shape[3];
        float[] values = images.toType(DataType.FLOAT32, false).toFloatArray();
        List<LlavaExample> out = new ArrayList<>(batch.size());
        for (int b = 0; b < batch.size(); b++) {
            byte[] rgb = new byte[h * w * 3];
            int base = b * 3 * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < 3; c++) {
                        float v = values[base + c * h * w + y * w + x];
                        rgb[(y * w + x) * 3 + c] = (byte) Math.round(Math.max(0f, Math.min(1f, v)) * 255f);
                    }
                }
            }
            RgbImage image = new RgbImage(w, h, rgb);
            out.add(withAnswers ? LlavaExample.vqa(image, questions.get(b), answers.get(b))
                    : LlavaExample.prompt(image, questions.get(b)));
        }
        return out;
    }

    private List<String> text(Batch batch, String key) {
        List<String> t = batch.texts().get(key);
        if (t == null) {
            throw new IllegalArgumentException("learner '" + name + "' needs the text '" + key + "' in every example"
                    + " (instruction data such as mini-coin or llava-instruction-json); the batch has "
                    + batch.texts().keySet());
        }
        return t;
    }

    @Override
    public PluginState saveState(StepContext step) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("method", method.name());
        values.put(TASKS_SEEN, tasksSeen);
        values.put(LORA_APPLIED, adapted());
        if (adapters != null) {
            values.put(ADAPTED_TASK, adaptedTask);
        }
        values.put("emaActive", emaActive);
        Map<String, NDArray> tensors = Map.of();
        if (ema != null) {
            EmaUpdateCounts counts = ema.counts();
            values.put(ADAPTIVE, counts.adaptive());
            values.put(FALLBACK, counts.fallback());
            values.put(FRACTION, counts.adaptiveFraction());
            Map<String, List<Long>> histograms = new LinkedHashMap<>();
            ema.rawCoefficientHistograms().forEach((n, h) -> histograms.put(Long.toString(n),
                    java.util.Arrays.stream(h).boxed().toList()));
            values.put(RAW, histograms);
            tensors = ema.stateTensors();
        }
        return new PluginState(1, tensors, values);
    }

    @Override
    public void loadState(PluginState state) {
        tasksSeen = state.number(TASKS_SEEN).intValue();
        emaActive = ema != null && Boolean.TRUE.equals(state.values().get("emaActive"));
        if (Boolean.TRUE.equals(state.values().get(LORA_APPLIED)) && !adapted()) {
            injectAdapters();
        }
        if (adapters != null && state.values().get(ADAPTED_TASK) instanceof Number index && index.intValue() >= 0) {
            startAdaptedTask(index.intValue());
        }
        if (ema != null) {
            ema.restoreCounts(new EmaUpdateCounts(state.number(ADAPTIVE).longValue(),
                    state.number(FALLBACK).longValue()));
            ema.restoreTensors(state.tensors());
            if (state.values().get(RAW) instanceof Map<?, ?> histograms) {
                Map<Long, long[]> restored = new LinkedHashMap<>();
                histograms.forEach((n, h) -> restored.put(Long.parseLong(n.toString()),
                        ((List<?>) h).stream().mapToLong(v -> ((Number) v).longValue()).toArray()));
                ema.restoreRawCoefficientHistograms(restored);
            }
        }
    }

    /**
     * The adaptive vs fallback counts of the EMA.
     *
     * @return the counts, empty for methods without an EMA
     */
    public Optional<EmaUpdateCounts> emaCounts() {
        return Optional.ofNullable(ema).map(AdaptiveEmaUpdate::counts);
    }

    /**
     * The LoRA adapters and trained projector, once LoRA is applied (for exports).
     *
     * @return the setup, empty before the first LoRA task
     */
    public Optional<LlavaLoraSetup> loraSetup() {
        return Optional.ofNullable(lora);
    }

    /**
     * The model section of the learner's config.
     *
     * @return the config
     */
    public LlavaModelConfig modelConfig() {
        return config;
    }

    /**
     * The tokenizer file the model uses (the checkpoint's {@code tokenizer.json}, or the tiny model's word-level
     * file).
     *
     * @return the file
     */
    public Path tokenizerFile() {
        return tokenizerFile;
    }

    /**
     * The method.
     *
     * @return the method
     */
    public Method method() {
        return method;
    }
}
