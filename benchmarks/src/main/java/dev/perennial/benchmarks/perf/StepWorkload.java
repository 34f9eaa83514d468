package dev.perennial.benchmarks.perf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.perennial.models.cnn.ResNet;
import dev.perennial.models.cnn.ResNetConfig;
import dev.perennial.models.llama.LlamaConfig;
import dev.perennial.models.vit.VisionTransformer;
import dev.perennial.models.vit.VitConfig;
import java.util.Arrays;
import java.util.List;

/**
 * The three models of the loop-overhead benchmark, each a 10-class classifier trained with softmax cross-entropy,
 * and their training FLOPs counted analytically.
 *
 * <p>FLOPs: a multiply-add is 2 FLOPs; only matrix products and convolutions are counted (norms, softmax,
 * activations, residual adds and the optimizer are left out, a few per cent at most). Training is 3× the forward
 * pass (the backward pass computes one gradient with respect to the input and one with respect to the weights,
 * each as many FLOPs as the forward product; Kaplan et al. 2020, §2.1), minus the input gradient of the first
 * layer, which autograd does not compute because the images (or embeddings) do not require gradients.
 */
public enum StepWorkload {
    /** ViT-S/16 (timm {@code vit_small_patch16_224}: d 384, depth 12, 6 heads, MLP 1536) at 224 px. */
    VIT_S16_224("vit_s16_224", 8, new long[] {3, 224, 224}),
    /** ResNet-18 with the CIFAR stem (3×3/1 conv1, no max-pool) at 32 px. */
    RESNET18_CIFAR("resnet18_cifar", 32, new long[] {3, 32, 32}),
    /**
     * One LLaMA decoder layer (d 256, 4 heads, SwiGLU 1024, RoPE, causal mask; djl-notes J4) over a sequence of 64
     * input embeddings, mean-pooled, then a linear head: a sequence classifier. The embeddings travel as a
     * (1, 64, 256) "image" so the loop's image augmenters (mixup) apply to them unchanged.
     */
    LLAMA_BLOCK("llama_block_d256_s64", 8, new long[] {1, 64, 256});

    /** Classes of every workload's head. */
    public static final int CLASSES = 10;

    private final String id;
    private final int defaultBatch;
    private final long[] sampleShape;

    StepWorkload(String id, int defaultBatch, long[] sampleShape) {
        this.id = id;
        this.defaultBatch = defaultBatch;
        this.sampleShape = sampleShape;
    }

    /**
     * The name used on the command line, in the JSON and by the Python side.
     *
     * @return e.g. {@code vit_s16_224}
     */
    public String id() {
        return id;
    }

    /**
     * The batch the benchmark uses unless told otherwise.
     *
     * @return the batch size
     */
    public int defaultBatch() {
        return defaultBatch;
    }

    /**
     * The shape of one sample's input, without the batch axis.
     *
     * @return a copy of the shape
     */
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    /**
     * The number of input values of one sample.
     *
     * @return the product of {@link #sampleShape()}
     */
    public int sampleSize() {
        return Math.toIntExact(Arrays.stream(sampleShape).reduce(1, (a, b) -> a * b));
    }

    /**
     * The workload of that name.
     *
     * @param id e.g. {@code resnet18_cifar}
     * @return the workload
     * @throws IllegalArgumentException naming the accepted names
     */
    public static StepWorkload of(String id) {
        for (StepWorkload w : values()) {
            if (w.id.equals(id)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + id + "'; accepted: "
                + Arrays.stream(values()).map(StepWorkload::id).toList());
    }

    /**
     * Builds and initialises the model in a manager; call {@code Engine.setRandomSeed} first for repeatable weights.
     *
     * @param manager the manager that will hold the parameters
     * @return the model
     */
    public StepModel build(NDManager manager) {
        StepModel model = switch (this) {
            case VIT_S16_224 -> {
                VisionTransformer vit = new VisionTransformer(VitConfig.small(224, 16, CLASSES));
                yield new StepModel(vit, (store, x, training) ->
                        vit.forward(store, new NDList(x), training).singletonOrThrow());
            }
            case RESNET18_CIFAR -> {
                ResNet resnet = new ResNet(ResNetConfig.resnet18(CLASSES).withCifarStem());
                yield new StepModel(resnet, (store, x, training) ->
                        resnet.forward(store, new NDList(x), training).singletonOrThrow());
            }
            case LLAMA_BLOCK -> {
                LlamaBlockClassifier c = new LlamaBlockClassifier(llamaConfig(), (int) sampleShape[1], CLASSES);
                yield new StepModel(c, c::logits);
            }
        };
        model.block().initialize(manager, DataType.FLOAT32, new ai.djl.ndarray.types.Shape(sampleShape));
        return model;
    }

    private static LlamaConfig llamaConfig() {
        return LlamaConfig.of(32, 256, 1024, 1, 4, 4, 1e-6f, 10000.0);
    }

    /**
     * Forward FLOPs of one sample (matrix products and convolutions, 2 per multiply-add).
     *
     * @return the count
     */
    public long forwardFlopsPerSample() {
        return switch (this) {
            case VIT_S16_224 -> vitForward(VitConfig.small(224, 16, CLASSES));
            case RESNET18_CIFAR -> resnetForward(ResNetConfig.resnet18(CLASSES).withCifarStem(), 32);
            case LLAMA_BLOCK -> llamaForward(llamaConfig(), (int) sampleShape[1]);
        };
    }

    /**
     * FLOPs of the first layer's product, whose input gradient is not computed.
     *
     * @return the count
     */
    long firstLayerFlopsPerSample() {
        return switch (this) {
            case VIT_S16_224 -> {
                VitConfig c = VitConfig.small(224, 16, CLASSES);
                yield 2L * c.numPatches() * 3L * c.patchSize() * c.patchSize() * c.embedDim();
            }
            case RESNET18_CIFAR -> 2L * 3 * 64 * 9 * 32 * 32;
            case LLAMA_BLOCK -> 0L; // q/k/v read the RMS-normed input, whose gain needs the gradient
        };
    }

    /**
     * Training FLOPs of one sample: 3 × forward − the first layer's input gradient (see the class comment).
     *
     * @return the count
     */
    public long trainingFlopsPerSample() {
        return 3 * forwardFlopsPerSample() - firstLayerFlopsPerSample();
    }

    /** ViT: patch projection, per block 24·T·d² (qkv 6, proj 2, MLP 16) + 4·T²·d (QKᵀ and AV), head. */
    static long vitForward(VitConfig c) {
        long d = c.embedDim();
        long t = c.numPatches() + 1L;
        long patch = 2L * c.numPatches() * 3L * c.patchSize() * c.patchSize() * d;
        long block = 2L * t * d * (3 * d + d + 2L * c.mlpHidden()) + 4L * t * t * d;
        return patch + c.depth() * block + 2L * d * c.numClasses();
    }

    /** ResNet (basic blocks): every convolution 2·Cin·Cout·k²·Hout·Wout, plus the head. */
    static long resnetForward(ResNetConfig c, int image) {
        if (c.block() != ResNetConfig.Block.BASIC || !c.cifarStem()) {
            throw new IllegalArgumentException("FLOP count implemented for basic-block ResNets with the CIFAR stem");
        }
        long hw = image;
        int width = c.baseWidth();
        long flops = 2L * 3 * width * 9 * hw * hw;
        int in = width;
        List<Integer> layers = c.layers();
        for (int s = 0; s < 4; s++) {
            int planes = width << s;
            for (int b = 0; b < layers.get(s); b++) {
                int stride = b == 0 && s > 0 ? 2 : 1;
                long out = hw / stride;
                flops += 2L * in * planes * 9 * out * out; // conv1 3×3
                flops += 2L * planes * planes * 9 * out * out; // conv2 3×3
                if (stride != 1 || in != planes) {
                    flops += 2L * in * planes * out * out; // 1×1 downsample
                }
                in = planes;
                hw = out;
            }
        }
        return flops + 2L * in * c.numClasses();
    }

    /** LLaMA layer: q, k, v, o projections, QKᵀ and AV, SwiGLU (gate, up, down), then the pooled head. */
    static long llamaForward(LlamaConfig c, int sequence) {
        long d = c.hiddenSize();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long t = sequence;
        long projections = 2L * t * d * (2 * d + 2 * kv);
        long attention = 4L * t * t * d;
        long mlp = 2L * t * d * c.intermediateSize() * 3;
        return projections + attention + mlp + 2L * d * CLASSES;
    }

    /** How a model turns a batch input into logits. */
    @FunctionalInterface
    interface Logits {
        NDArray apply(ParameterStore store, NDArray input, boolean training);
    }

    /**
     * A built model and the function that gives its logits.
     *
     * @param block the block (its parameters are what the optimizer updates)
     * @param logits input (B, sampleShape…) to logits (B, 10)
     */
    public record StepModel(Block block, Logits logits) {}
}
