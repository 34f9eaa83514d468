package dev.perennial.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.Conv2d;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.pet.ScaleShift;

/**
 * timm's {@code PatchEmbed}: a patch-size convolution {@code proj} and flattening to tokens; with SSF, a
 * scale/shift {@code ssf_scale_1} on the tokens.
 */
public final class PatchEmbed extends FixedShapeBlock {
    private final VitConfig config;
    private final Conv2d proj;
    private final ScaleShift ssf;

    /**
     * Creates the block.
     *
     * @param config the model config
     */
    public PatchEmbed(VitConfig config) {
        this.config = config;
        this.proj = addChildBlock(
                "proj", new Conv2d(config.inChannels(), config.embedDim(), config.patchSize(), config.patchSize(), true));
        if (config.ssf()) {
            ssf = new ScaleShift(1, config.embedDim());
            addParameter(ssf.scale());
            addParameter(ssf.shift());
        } else {
            ssf = null;
        }
    }

    /** @return the patch convolution */
    public Conv2d proj() {
        return proj;
    }

    /**
     * Embeds images.
     *
     * @param store the parameter store
     * @param images (B, C, H, W) with H = W = the configured image size
     * @param training whether this is a training pass
     * @return (B, N, D) patch tokens, row-major over the grid
     */
    public NDArray forward(ParameterStore store, NDArray images, boolean training) {
        Shape s = images.getShape();
        if (s.dimension() != 4 || s.get(1) != config.inChannels() || s.get(2) != config.imageSize()
                || s.get(3) != config.imageSize()) {
            throw new IllegalArgumentException(
                    "ViT: images must be (batch, " + config.inChannels() + ", " + config.imageSize() + ", "
                            + config.imageSize() + "), got " + s + " (build the model with "
                            + "VitConfig.withImageSize and resample pos_embed for another size)");
        }
        NDArray x = proj.forward(store, images, training);
        Shape c = x.getShape();
        x = x.reshape(c.get(0), c.get(1), c.get(2) * c.get(3)).transpose(0, 2, 1);
        return ssf == null ? x : ssf.apply(store, x, training);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), config.numPatches(), config.embedDim())};
    }
}
