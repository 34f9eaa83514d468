package dev.perennial.models.mlp;

/**
 * An MLP-Mixer (Tolstikhin et al., "MLP-Mixer: An all-MLP Architecture for Vision", 2021) as timm builds it.
 *
 * @param imageSize square input size in pixels
 * @param patchSize square patch size; must divide {@code imageSize}
 * @param inChannels image channels (3)
 * @param embedDim channels C of every token
 * @param depth number of mixer blocks
 * @param tokenMlpRatio token-mixing hidden width as a fraction of C (timm: 0.5, hidden = int(0.5·C))
 * @param channelMlpRatio channel-mixing hidden width as a multiple of C (timm: 4.0)
 * @param numClasses classes of the {@code head}; 0 builds a feature extractor without head
 * @param layerNormEps epsilon of every layer norm (timm: 1e-6)
 */
public record MlpMixerConfig(int imageSize, int patchSize, int inChannels, int embedDim, int depth,
        double tokenMlpRatio, double channelMlpRatio, int numClasses, float layerNormEps) {

    /** Validates the configuration. */
    public MlpMixerConfig {
        if (imageSize < 1 || patchSize < 1 || imageSize % patchSize != 0) {
            throw new IllegalArgumentException("MlpMixerConfig: patchSize must divide imageSize; got imageSize="
                    + imageSize + " patchSize=" + patchSize);
        }
        if (inChannels < 1 || embedDim < 1 || depth < 1 || numClasses < 0 || !(layerNormEps > 0)
                || (int) (tokenMlpRatio * embedDim) < 1 || (int) (channelMlpRatio * embedDim) < 1) {
            throw new IllegalArgumentException("MlpMixerConfig: need inChannels, embedDim, depth >= 1, "
                    + "numClasses >= 0, eps > 0 and MLP ratios giving hidden widths >= 1; got " + inChannels + ", "
                    + embedDim + ", " + depth + ", " + numClasses + ", " + layerNormEps + ", " + tokenMlpRatio + ", "
                    + channelMlpRatio);
        }
    }

    /**
     * timm {@code mixer_s16_224}: 224 px, 16 px patches, C = 512, 8 blocks.
     *
     * @param numClasses head classes
     * @return the configuration
     */
    public static MlpMixerConfig mixerS16(int numClasses) {
        return new MlpMixerConfig(224, 16, 3, 512, 8, 0.5, 4.0, numClasses, 1e-6f);
    }

    /**
     * timm {@code mixer_b16_224}: 224 px, 16 px patches, C = 768, 12 blocks.
     *
     * @param numClasses head classes
     * @return the configuration
     */
    public static MlpMixerConfig mixerB16(int numClasses) {
        return new MlpMixerConfig(224, 16, 3, 768, 12, 0.5, 4.0, numClasses, 1e-6f);
    }

    /**
     * The number of patches (tokens) S.
     *
     * @return {@code (imageSize / patchSize)²}
     */
    public int numTokens() {
        int side = imageSize / patchSize;
        return side * side;
    }

    /**
     * The token-mixing hidden width, {@code int(tokenMlpRatio·C)} as timm computes it.
     *
     * @return the width
     */
    public int tokenHidden() {
        return (int) (tokenMlpRatio * embedDim);
    }

    /**
     * The channel-mixing hidden width, {@code int(channelMlpRatio·C)}.
     *
     * @return the width
     */
    public int channelHidden() {
        return (int) (channelMlpRatio * embedDim);
    }
}
