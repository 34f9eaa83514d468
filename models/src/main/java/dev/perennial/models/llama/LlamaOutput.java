package dev.perennial.models.llama;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Optional;

/**
 * What a decoder pass produces.
 *
 * @param logits next-token logits, (B, S, vocab), when computed through {@link LlamaForCausalLM}
 * @param lastHiddenState the tokens after the final {@code norm}, (B, S, D)
 * @param hiddenStates HF convention, L + 1 entries: index 0 the input embeddings, index i &lt; L the output of layer
 *     i − 1, index L the output of the last layer after the final norm (= lastHiddenState)
 */
public record LlamaOutput(Optional<NDArray> logits, NDArray lastHiddenState, List<NDArray> hiddenStates) {}
