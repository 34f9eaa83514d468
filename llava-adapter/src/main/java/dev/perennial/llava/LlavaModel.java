package dev.perennial.llava;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.clip.ClipVisionModel;
import dev.perennial.models.llama.KvCache;
import dev.perennial.models.llama.LlamaForCausalLM;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Owned;
import dev.perennial.models.nn.Scalars;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * LLaVA-1.5 (Liu et al. 2023, "Improved Baselines with Visual Instruction Tuning") with Hugging Face
 * {@code LlavaForConditionalGeneration} parameter names: {@code vision_tower.vision_model.…} (CLIP),
 * {@code multi_modal_projector.linear_1/linear_2}, {@code language_model.model.…} and {@code language_model.lm_head}
 * (LLaMA).
 *
 * <p>An image becomes {@link LlavaConfig#imageFeatureTokens()} decoder inputs: the CLIP hidden state selected by
 * {@code vision_feature_layer} (−2, the penultimate layer), without the class token ({@code default}), through the
 * projector. Each image of a sequence, one image token or a run of {@code image_seq_length} of them (see
 * {@link #imagePlaces}), is replaced by those features (the sequence grows by tokens − 1 per single-token image), as
 * HF's {@code _merge_input_ids_with_image_features} and the original {@code prepare_inputs_labels_for_
 * multimodal} do.
 *
 * <p>Positions: the decoder numbers positions 0… from the first (possibly padded) position. With left padding
 * this shifts every real position by the padding length, which leaves attention unchanged because RoPE scores
 * depend only on position differences (Su et al. 2021, §3.4.2); HF instead derives positions from the attention
 * mask. Both give the same outputs up to float rounding.
 */
public final class LlavaModel extends FixedShapeBlock {
    private final LlavaConfig config;
    private final ClipVisionModel visionTower;
    private final LlavaProjector projector;
    private final LlamaForCausalLM languageModel;

    /**
     * Builds the model (random initialisation; load a checkpoint over it, or train it).
     *
     * @param config the shape
     */
    public LlavaModel(LlavaConfig config) {
        this.config = config;
        this.visionTower = addChildBlock("vision_tower", new ClipVisionModel(config.vision()));
        this.projector = addChildBlock("multi_modal_projector", new LlavaProjector(
                config.vision().hiddenSize(), config.text().hiddenSize(), config.projectorHiddenAct(),
                config.projectorBias()));
        this.languageModel = addChildBlock("language_model", new LlamaForCausalLM(config.text()));
    }

    /** @return the config */
    public LlavaConfig config() {
        return config;
    }

    /** @return the CLIP vision tower ({@code vision_tower}) */
    public ClipVisionModel visionTower() {
        return visionTower;
    }

    /** @return the projector ({@code multi_modal_projector}) */
    public LlavaProjector projector() {
        return projector;
    }

    /** @return the LLaMA decoder ({@code language_model}) */
    public LlamaForCausalLM languageModel() {
        return languageModel;
    }

    /**
     * Runs the vision tower's forward pass and moves every array it attached to the tower's parameter managers into
     * {@code step}.
     *
     * <p>DJL attaches the result of an operation to the manager of its first operand. CLIP's embeddings start from
     * parameters (class and position embeddings), so the whole tower pass would otherwise pile up in the model's
     * manager, one set per step. {@link #initializeChildBlocks} gives each part its own sub-manager, so only the
     * tower's few parameter arrays are scanned. Autograd keeps its own references, so gradients are unaffected.
     */
    private <T> T inTowerScope(NDManager step, java.util.function.Supplier<T> work) {
        java.util.Map<NDManager, java.util.Set<String>> before = new java.util.IdentityHashMap<>();
        for (Parameter p : ParameterNames.of(visionTower).values()) {
            NDManager owner = p.getArray().getManager();
            if (owner != step && !before.containsKey(owner)) {
                java.util.Set<String> uids = new java.util.HashSet<>();
                for (NDArray a : owner.getManagedArrays()) {
                    uids.add(a.getUid());
                }
                before.put(owner, uids);
            }
        }
        T result = work.get();
        for (java.util.Map.Entry<NDManager, java.util.Set<String>> e : before.entrySet()) {
            for (NDArray a : e.getKey().getManagedArrays()) {
                if (a.getManager() == e.getKey() && !e.getValue().contains(a.getUid())) {
                    a.attach(step);
                }
            }
        }
        return result;
    }

    /**
     * Gives the vision tower, the projector and the decoder each a sub-manager of {@code manager}, so that arrays
     * DJL attaches to parameter managers during a pass can be found without scanning the caller's arrays.
     */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (ai.djl.util.Pair<String, ai.djl.nn.Block> child : getChildren()) {
            child.getValue().initialize(manager.newSubManager(), dataType, inputShapes);
        }
    }

    /**
     * Embeds plain token ids (no image tokens) with the decoder's embedding table; the result belongs to the ids'
     * manager (a lookup through the table itself would attach it to the parameters' manager).
     *
     * @param store the parameter store
     * @param ids (B, S) int64, each in [0, vocab)
     * @param training whether this is a training pass
     * @return (B, S, D)
     */
    public NDArray embedTokens(ParameterStore store, NDArray ids, boolean training) {
        return languageModel.embedTokens(store, ids, training);
    }

    /**
     * The number of scalars in all parameters (known from the shapes, before initialisation).
     *
     * @return the parameter count
     */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : ParameterNames.of(this).values()) {
            Shape s = p.isInitialized() ? p.getArray().getShape() : p.getShape();
            n += s == null ? 0 : s.size();
        }
        return n;
    }

    /**
     * Image features in the decoder's embedding space.
     *
     * @param store the parameter store
     * @param pixelValues (N, 3, H, W) preprocessed images
     * @param training whether this is a training pass (the frozen tower runs in inference mode either way unless
     *     its parameters are trainable)
     * @return (N, {@link LlavaConfig#imageFeatureTokens()}, D)
     */
    public NDArray imageFeatures(ParameterStore store, NDArray pixelValues, boolean training) {
        return imageFeatures(store, pixelValues.getManager(), pixelValues, training);
    }

    private NDArray imageFeatures(ParameterStore store, NDManager step, NDArray pixelValues, boolean training) {
        Shape s = pixelValues.getShape();
        int size = config.vision().imageSize();
        if (s.dimension() != 4 || s.get(1) != config.vision().numChannels() || s.get(2) != size || s.get(3) != size) {
            throw new IllegalArgumentException("llava: pixel values must be (images, " + config.vision().numChannels()
                    + ", " + size + ", " + size + "), got " + s + "; preprocess images with LlavaImageProcessor");
        }
        NDArray selected = inTowerScope(step, () -> visionTower.forwardAll(store, pixelValues, training)
                .selectFeature(config.visionFeatureLayer(), config.featureSelect() == FeatureSelect.DEFAULT));
        return projector.forward(store, selected, training);
    }

    /**
     * The image places of one sequence, in order: {@code {start, width}} per image, where {@code width} is the number
     * of image ids that stand for it.
     *
     * <p>Two forms are accepted, run by run (a run is a maximal stretch of consecutive image ids): the original and
     * pre-4.47 llava-hf single-token form, one id per image (a run of r &lt; {@code image_seq_length} ids is r
     * adjacent images), and the expanded form of llava-hf processors from transformers 4.47, which repeat the id once
     * per image feature ({@code image_seq_length} = {@link LlavaConfig#imageFeatureTokens()}, 576 for LLaVA-1.5-336),
     * so a run of k × {@code image_seq_length} ids is k images. Any other run is an error.
     *
     * @param ids a sequence
     * @return one {@code {start, width}} pair per image
     * @throws IllegalArgumentException for a run that fits neither form
     */
    public List<int[]> imagePlaces(long[] ids) {
        int t = config.imageFeatureTokens();
        List<int[]> places = new ArrayList<>();
        int p = 0;
        while (p < ids.length) {
            if (ids[p] != config.imageTokenIndex()) {
                p++;
                continue;
            }
            int start = p;
            while (p < ids.length && ids[p] == config.imageTokenIndex()) {
                p++;
            }
            int run = p - start;
            int width;
            if (run % t == 0) {
                width = t;
            } else if (run < t) {
                width = 1;
            } else {
                throw new IllegalArgumentException("llava: a run of " + run + " image tokens (" + config.imageTokenIndex()
                        + ") at position " + start + " is neither single-token images (one id per image) nor whole "
                        + "expanded images (a multiple of image_seq_length " + t + ")");
            }
            for (int k = start; k < p; k += width) {
                places.add(new int[] {k, width});
            }
        }
        return places;
    }

    /**
     * The ids of one sequence after each image is expanded to its feature positions (single-token images grow to
     * {@link LlavaConfig#imageFeatureTokens()} positions, expanded ones keep their length); image positions carry
     * {@code fill}.
     *
     * @param ids a sequence with image tokens in either form ({@link #imagePlaces})
     * @param fill the value for image positions (e.g. {@link LlavaBatch#IGNORE_INDEX} for labels)
     * @param source the values to expand (ids or labels aligned with {@code ids})
     * @return the expanded values
     */
    public long[] expandImageTokens(long[] ids, long[] source, long fill) {
        int t = config.imageFeatureTokens();
        List<int[]> places = imagePlaces(ids);
        long[] out = new long[expandedLength(ids.length, places)];
        int j = 0;
        int i = 0;
        for (int[] place : places) {
            while (i < place[0]) {
                out[j++] = source[i++];
            }
            for (int k = 0; k < t; k++) {
                out[j++] = fill;
            }
            i += place[1];
        }
        while (i < ids.length) {
            out[j++] = source[i++];
        }
        return out;
    }

    private int expandedLength(int length, List<int[]> places) {
        int n = length;
        for (int[] place : places) {
            n += config.imageFeatureTokens() - place[1];
        }
        return n;
    }

    /**
     * Counts the images a sequence refers to, in either image-token form ({@link #imagePlaces}).
     *
     * @param ids the sequence
     * @return how many images it refers to
     */
    public int countImages(long[] ids) {
        return imagePlaces(ids).size();
    }

    /**
     * Builds the decoder inputs of a batch: text embeddings with each image token replaced by the image's projected
     * features, padded to the longest sequence.
     *
     * @param store the parameter store
     * @param manager where the batch's arrays are created (a per-step scope)
     * @param batch ids, optional labels and images
     * @param side where shorter sequences are padded
     * @param training whether this is a training pass
     * @return the embeddings, attention mask and expanded labels
     * @throws IllegalArgumentException if the images the image tokens stand for ({@link #imagePlaces}) and the images
     *     given differ, or an id is outside the vocabulary
     */
    public MultimodalSequences embed(
            ParameterStore store, NDManager manager, LlavaBatch batch, PaddingSide side, boolean training) {
        int b = batch.size();
        int imageCount = 0;
        long total = 0;
        List<List<int[]>> places = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            long[] ids = batch.inputIds().get(i);
            try {
                places.add(imagePlaces(ids));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage().replace("llava: ", "llava: sample " + i + ": "), e);
            }
            imageCount += places.get(i).size();
            total += ids.length;
            for (int p = 0; p < ids.length; p++) {
                long id = ids[p];
                if (id != config.imageTokenIndex() && (id < 0 || id >= config.text().vocabSize())) {
                    throw new IllegalArgumentException("llava: sample " + i + " position " + p + " has token id " + id
                            + ", outside the vocabulary [0, " + config.text().vocabSize() + ") and not the image token "
                            + config.imageTokenIndex());
                }
            }
        }
        long images = batch.pixelValues().map(p -> p.getShape().get(0)).orElse(0L);
        if (images != imageCount) {
            throw new IllegalArgumentException("llava: the batch's image tokens (" + config.imageTokenIndex()
                    + ") stand for " + imageCount + " images but " + images + " images were given; an image is one "
                    + "image token or a run of image_seq_length " + config.imageFeatureTokens() + " of them");
        }
        NDArray features = imageCount == 0 ? null : imageFeatures(store, manager, batch.pixelValues().get(), training);
        // One embedding lookup for the whole batch; image tokens are looked up as padding and never used.
        long[] flat = new long[(int) total];
        int k = 0;
        for (long[] ids : batch.inputIds()) {
            for (long id : ids) {
                flat[k++] = id == config.imageTokenIndex() ? config.padTokenId() : id;
            }
        }
        // Owned copies: a from-blob array's views (the embedding's saved indices, the label slices) would outlive
        // its Java buffer (issue 16).
        NDArray text = embedTokens(store, Owned.longs(manager, flat), training);
        int[] lengths = new int[b];
        int maxLength = 0;
        for (int i = 0; i < b; i++) {
            lengths[i] = expandedLength(batch.inputIds().get(i).length, places.get(i));
            maxLength = Math.max(maxLength, lengths[i]);
        }
        long d = config.text().hiddenSize();
        DataType type = text.getDataType();
        NDList rows = new NDList();
        long[] mask = new long[b * maxLength];
        long[] labels = new long[b * maxLength];
        java.util.Arrays.fill(labels, LlavaBatch.IGNORE_INDEX);
        int offset = 0;
        int image = 0;
        for (int i = 0; i < b; i++) {
            long[] ids = batch.inputIds().get(i);
            int pad = maxLength - lengths[i];
            List<NDArray> parts = new ArrayList<>();
            if (side == PaddingSide.LEFT && pad > 0) {
                parts.add(manager.zeros(new Shape(pad, d), type, text.getDevice()));
            }
            int start = 0;
            for (int[] place : places.get(i)) {
                if (place[0] > start) {
                    parts.add(text.get(new NDIndex("{}:{}", offset + start, offset + place[0])));
                }
                parts.add(features.get(image++));
                start = place[0] + place[1];
            }
            if (ids.length > start) {
                parts.add(text.get(new NDIndex("{}:{}", offset + start, offset + ids.length)));
            }
            if (side == PaddingSide.RIGHT && pad > 0) {
                parts.add(manager.zeros(new Shape(pad, d), type, text.getDevice()));
            }
            rows.add(parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 0));
            int first = side == PaddingSide.LEFT ? pad : 0;
            for (int p = 0; p < lengths[i]; p++) {
                mask[i * maxLength + first + p] = 1;
            }
            if (batch.labels().isPresent()) {
                long[] expanded = expandImageTokens(ids, batch.labels().get().get(i), LlavaBatch.IGNORE_INDEX);
                System.arraycopy(expanded, 0, labels, i * maxLength + first, expanded.length);
            }
            offset += ids.length;
        }
        NDArray embeds = NDArrays.stack(rows, 0);
        NDArray attention = Owned.longs(manager, mask, new Shape(b, maxLength));
        Shape shape = new Shape(b, maxLength);
        Optional<NDArray> labelArray = batch.labels().map(l -> Owned.longs(manager, labels, shape));
        return new MultimodalSequences(embeds, attention, labelArray, lengths);
    }

    /**
     * Next-token logits for a batch (no KV cache).
     *
     * @param store the parameter store
     * @param manager the step's manager
     * @param batch ids and images
     * @param side padding side
     * @param training whether this is a training pass
     * @return (B, L, vocab) logits and the sequences they belong to
     */
    public NDList logits(
            ParameterStore store, NDManager manager, LlavaBatch batch, PaddingSide side, boolean training) {
        MultimodalSequences seq = embed(store, manager, batch, side, training);
        NDArray logits = languageModel.forwardEmbeddings(
                        store, seq.inputsEmbeds(), Optional.of(seq.attentionMask()), Optional.empty(), training)
                .logits()
                .orElseThrow();
        return new NDList(logits, seq.attentionMask());
    }

    /**
     * Logits of the decoder for already-embedded inputs, extending a KV cache when given (generation).
     *
     * @param store the parameter store
     * @param inputsEmbeds (B, S, D)
     * @param attentionMask (B, cached + S)
     * @param cache the cache, if decoding incrementally
     * @return (B, S, vocab)
     */
    public NDArray decode(ParameterStore store, NDArray inputsEmbeds, NDArray attentionMask, Optional<KvCache> cache) {
        return languageModel.forwardEmbeddings(store, inputsEmbeds, Optional.of(attentionMask), cache, false)
                .logits()
                .orElseThrow();
    }

    /**
     * The causal language-modelling loss on answer tokens only: mean over the positions whose label is not
     * {@link LlavaBatch#IGNORE_INDEX} of −log p(label at t+1 | inputs up to t) (HF {@code LlavaForConditionalGeneration}
     * with {@code labels}; prompt, image and padding positions carry the ignore label).
     *
     * <p>Call it inside the loop's gradient collector; with a frozen base only the trainable parameters (LoRA, the
     * projector) receive gradients.
     *
     * @param store the parameter store
     * @param manager the step's manager
     * @param batch ids, labels (required) and images
     * @param training whether this is a training pass (dropout)
     * @return the scalar loss, float32
     * @throws IllegalArgumentException if the batch has no labels or no answer token
     */
    public NDArray answerLoss(ParameterStore store, NDManager manager, LlavaBatch batch, boolean training) {
        if (batch.labels().isEmpty()) {
            throw new IllegalArgumentException("llava: the loss needs labels; encode the batch with answers "
                    + "(LlavaBatchEncoder.forTraining)");
        }
        MultimodalSequences seq = embed(store, manager, batch, PaddingSide.RIGHT, training);
        NDArray logits = languageModel.forwardEmbeddings(
                        store, seq.inputsEmbeds(), Optional.of(seq.attentionMask()), Optional.empty(), training)
                .logits()
                .orElseThrow();
        return shiftedCrossEntropy(logits, seq.labels().orElseThrow());
    }

    /**
     * Mean token cross-entropy of logits at t against labels at t + 1, ignoring {@link LlavaBatch#IGNORE_INDEX}.
     *
     * @param logits (B, L, V)
     * @param labels (B, L) int64
     * @return the scalar loss
     */
    static NDArray shiftedCrossEntropy(NDArray logits, NDArray labels) {
        long len = logits.getShape().get(1);
        if (len < 2) {
            throw new IllegalArgumentException("llava: sequences of length 1 have no next token to predict");
        }
        NDArray predicting = logits.get(new NDIndex(":, :-1, :"));
        NDArray targets = labels.get(new NDIndex(":, 1:"));
        NDArray keep = targets.neq(LlavaBatch.IGNORE_INDEX);
        long count = keep.sum().getLong();
        if (count == 0) {
            throw new IllegalArgumentException("llava: the batch has no answer token to learn (every label is "
                    + LlavaBatch.IGNORE_INDEX + ")");
        }
        NDArray index = targets.mul(keep.toType(DataType.INT64, false)).expandDims(-1);
        NDArray logProbabilities = predicting.logSoftmax(-1).gather(index, 2).squeeze(-1);
        NDArray weights = keep.toType(logProbabilities.getDataType(), false);
        return Scalars.div(logProbabilities.mul(weights).sum().neg(), (float) count);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException(
                "LlavaModel needs token sequences with image placeholders; call embed/logits/answerLoss or use "
                        + "LlavaGenerator");
    }
}
