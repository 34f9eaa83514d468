package dev.perennial.models.pet;

/**
 * Settings of the AdaptFormer adapter (Chen et al. 2022) that sits parallel to a transformer block's MLP
 * (safe.md §3.1).
 *
 * @param bottleneck width of the down-projection (SAFE: 64)
 * @param scale s, the factor on the adapter output (SAFE: 0.1)
 * @param dropout dropout between ReLU and the up-projection (SAFE: 0.1)
 */
public record AdapterConfig(int bottleneck, float scale, float dropout) {

    /** Validates the fields. */
    public AdapterConfig {
        if (bottleneck <= 0) {
            throw new IllegalArgumentException("adapter.bottleneck must be positive, got " + bottleneck);
        }
        if (!Float.isFinite(scale)) {
            throw new IllegalArgumentException("adapter.scale must be finite, got " + scale);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("adapter.dropout must be in [0, 1), got " + dropout);
        }
    }

    /**
     * SAFE's released CIFAR setting: bottleneck 64, scale 0.1, dropout 0.1 (safe.md §3.1).
     *
     * @return the config
     */
    public static AdapterConfig safeDefaults() {
        return new AdapterConfig(64, 0.1f, 0.1f);
    }
}
