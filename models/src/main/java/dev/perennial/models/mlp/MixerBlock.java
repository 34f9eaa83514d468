package dev.perennial.models.mlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.LayerNorm;

/**
 * One mixer layer (Tolstikhin et al. 2021, eq. 1): token mixing
 * {@code U = X + (W2·GELU(W1·LayerNorm(X)ᵀ))ᵀ} across the S patches, then channel mixing
 * {@code Y = U + W4·GELU(W3·LayerNorm(U))} across the C channels; timm names {@code norm1},
 * {@code mlp_tokens.fc1/fc2}, {@code norm2}, {@code mlp_channels.fc1/fc2}.
 */
final class MixerBlock extends FixedShapeBlock {
    private final LayerNorm norm1;
    private final MixerMlp mlpTokens;
    private final LayerNorm norm2;
    private final MixerMlp mlpChannels;

    MixerBlock(MlpMixerConfig c) {
        norm1 = addChildBlock("norm1", new LayerNorm(c.embedDim(), c.layerNormEps()));
        mlpTokens = addChildBlock("mlp_tokens", new MixerMlp(c.numTokens(), c.tokenHidden()));
        norm2 = addChildBlock("norm2", new LayerNorm(c.embedDim(), c.layerNormEps()));
        mlpChannels = addChildBlock("mlp_channels", new MixerMlp(c.embedDim(), c.channelHidden()));
    }

    NDArray forward(ParameterStore store, NDArray x, boolean training) {
        NDArray tokens = mlpTokens.forward(store, norm1.forward(store, x, training).transpose(0, 2, 1), training);
        NDArray u = x.add(tokens.transpose(0, 2, 1));
        return u.add(mlpChannels.forward(store, norm2.forward(store, u, training), training));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(forward(store, inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
