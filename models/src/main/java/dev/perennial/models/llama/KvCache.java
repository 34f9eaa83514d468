package dev.perennial.models.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.perennial.models.nn.Owned;

/**
 * The keys and values of every decoder layer for the positions seen so far, for incremental generation.
 *
 * <p>Keys are kept transposed, (B, Hkv, d, T), and values as (B, Hkv, T, d), both after RoPE, so that attention reads
 * them only as the right-hand operand of a product: every per-step result then belongs to the step's manager and
 * only the grown cache tensors belong to {@link #manager()} (old ones are closed when replaced). Close the cache (or
 * its manager) when the generation ends.
 *
 * <p>Meant for inference ({@code training = false}, outside a gradient collector); training uses full-sequence
 * forwards without a cache.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keysTransposed;
    private final NDArray[] values;

    /**
     * Creates an empty cache.
     *
     * @param parent the manager under which the cache opens its own sub-manager
     * @param layers number of decoder layers
     */
    public KvCache(NDManager parent, int layers) {
        if (layers <= 0) {
            throw new IllegalArgumentException("KV cache: layers must be positive, got " + layers);
        }
        this.manager = parent.newSubManager();
        this.keysTransposed = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** @return the manager owning the cached tensors */
    public NDManager manager() {
        return manager;
    }

    /** @return the number of layers */
    public int layers() {
        return values.length;
    }

    /** @return the number of cached positions (0 when empty) */
    public long length() {
        return values[0] == null ? 0 : values[0].getShape().get(2);
    }

    /**
     * Appends one layer's new keys and values and returns the full sequence.
     *
     * @param layer the layer index
     * @param newKeysTransposed (B, Hkv, d, S)
     * @param newValues (B, Hkv, S, d)
     * @return [keys transposed (B, Hkv, d, T), values (B, Hkv, T, d)] with T = old length + S
     */
    NDArray[] append(int layer, NDArray newKeysTransposed, NDArray newValues) {
        NDArray oldK = keysTransposed[layer];
        NDArray oldV = values[layer];
        NDArray k;
        NDArray v;
        if (oldK == null) {
            k = Owned.keep(newKeysTransposed, manager);
            v = Owned.keep(newValues, manager);
        } else {
            if (oldK.getShape().get(0) != newKeysTransposed.getShape().get(0)) {
                throw new IllegalArgumentException(
                        "KV cache: batch size changed from " + oldK.getShape().get(0) + " to "
                                + newKeysTransposed.getShape().get(0) + "; start a new cache");
            }
            k = oldK.concat(newKeysTransposed, 3);
            v = oldV.concat(newValues, 2);
            oldK.close();
            oldV.close();
        }
        keysTransposed[layer] = k;
        values[layer] = v;
        return new NDArray[] {k, v};
    }

    @Override
    public void close() {
        manager.close();
    }
}
