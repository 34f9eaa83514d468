package dev.perennial.benchmarks.perf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.llama.LlamaConfig;
import dev.perennial.models.llama.LlamaDecoderLayer;
import dev.perennial.models.nn.CausalMask;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.RotaryEmbedding;
import java.util.Optional;

/**
 * One LLaMA decoder layer over input embeddings, mean-pooled over the sequence, then a linear head: the "LLaMA block
 * step" of the loop-overhead benchmark as a sequence classifier (children {@code layer} and {@code head}).
 */
final class LlamaBlockClassifier extends FixedShapeBlock {
    private final LlamaDecoderLayer layer;
    private final Linear head;
    private final RotaryEmbedding rope;
    private final int sequence;
    private final int width;

    LlamaBlockClassifier(LlamaConfig config, int sequence, int classes) {
        this.layer = addChildBlock("layer", new LlamaDecoderLayer(config));
        this.head = addChildBlock("head", new Linear(config.hiddenSize(), classes, true));
        this.rope = new RotaryEmbedding(config.headDim(), config.ropeTheta());
        this.sequence = sequence;
        this.width = config.hiddenSize();
    }

    /**
     * Logits of a batch of embeddings.
     *
     * @param store the parameter store
     * @param input (B, 1, S, D) or (B, S, D)
     * @param training whether training
     * @return (B, classes)
     */
    NDArray logits(ParameterStore store, NDArray input, boolean training) {
        NDManager m = input.getManager();
        NDArray x = input.reshape(input.getShape().get(0), sequence, width);
        NDArray mask = CausalMask.causal(m, sequence, 0).reshape(1, 1, sequence, sequence);
        NDArray h = layer.forward(store, x, rope, rope.cosSin(m, 0, sequence), mask, Optional.empty(), 0, training);
        return head.forward(store, h.mean(new int[] {1}), training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return new NDList(logits(store, inputs.singletonOrThrow(), training));
    }
}
