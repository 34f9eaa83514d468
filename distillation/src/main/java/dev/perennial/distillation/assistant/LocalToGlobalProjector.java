package dev.perennial.distillation.assistant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.perennial.models.nn.Conv2d;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.ParameterInit;
import dev.perennial.models.vit.VitBlock;
import dev.perennial.models.vit.VitConfig;

/**
 * The local-to-global projector {@code L2G = MSA ∘ PE} of cakd.md §2.2, the only module of the fusion model that
 * neither network owns. {@code PE} is a patch embedding (a k×k stride-k convolution) from the stage-3 map of the
 * CNN side to the grid and width that stage 4 of the other side reads; when the incoming grid is coarser than the
 * target grid it is first repeated up (nearest neighbour) by the integer factor. {@code MSA} is one pre-norm
 * attention block over the target grid, with a learnable position embedding: cakd.md names a Swin block whose
 * window and depth are UNVERIFIED; here the window is the whole grid (a Swin block whose window covers the map),
 * which for the small stage-4 grids of CIFAR-sized inputs is the same thing.
 *
 * <p>When both models are CNNs ({@link #mapProjector}) the projector is only the convolution, mapping the
 * student's stage-3 channels and grid to those the teacher's stage 4 reads (cakd.md leaves the homogeneous
 * projector UNVERIFIED).
 */
public final class LocalToGlobalProjector extends FixedShapeBlock {
    private final int inChannels;
    private final int inGrid;
    private final int outGrid;
    private final int outWidth;
    private final int kernel;
    private final int upsample;
    private final Conv2d patchEmbed;
    private final Parameter posEmbed;
    private final VitBlock attention;

    private LocalToGlobalProjector(int inChannels, int inGrid, int outWidth, int outGrid, int heads, boolean tokens) {
        if (inChannels < 1 || inGrid < 1 || outWidth < 1 || outGrid < 1) {
            throw new IllegalArgumentException("L2G projector: channels and grids must be >= 1; got in=" + inChannels
                    + "x" + inGrid + "x" + inGrid + " out=" + outWidth + "x" + outGrid + "x" + outGrid);
        }
        if (inGrid % outGrid != 0 && outGrid % inGrid != 0) {
            throw new IllegalArgumentException("L2G projector: the stage-3 grid " + inGrid + "x" + inGrid
                    + " and the stage-4 grid " + outGrid + "x" + outGrid + " must divide one another (choose the"
                    + " image size or patch size so that they do)");
        }
        this.inChannels = inChannels;
        this.inGrid = inGrid;
        this.outGrid = outGrid;
        this.outWidth = outWidth;
        this.kernel = inGrid >= outGrid ? inGrid / outGrid : 1;
        this.upsample = inGrid >= outGrid ? 1 : outGrid / inGrid;
        this.patchEmbed = addChildBlock("pe", new Conv2d(inChannels, outWidth, kernel, kernel, true));
        if (tokens) {
            if (heads < 1 || outWidth % heads != 0) {
                throw new IllegalArgumentException("L2G projector: heads (" + heads + ") must divide the stage-4 "
                        + "width " + outWidth);
            }
            this.posEmbed = registerParameter("pos_embed", Parameter.Type.WEIGHT,
                    new Shape(1, (long) outGrid * outGrid, outWidth), ParameterInit.truncatedNormal(0.02f));
            this.attention = addChildBlock("msa", new VitBlock(VitConfig.of(outGrid, 1, outWidth, 1, heads, 0)));
        } else {
            this.posEmbed = null;
            this.attention = null;
        }
    }

    /**
     * A projector to tokens for an attention or MLP stage 4.
     *
     * @param inChannels stage-3 channels of the CNN side
     * @param inGrid its (square) grid side
     * @param outWidth the token width stage 4 reads
     * @param outGrid the (square) token grid side stage 4 reads
     * @param heads attention heads of the MSA block
     * @return the projector
     */
    public static LocalToGlobalProjector tokenProjector(int inChannels, int inGrid, int outWidth, int outGrid,
            int heads) {
        return new LocalToGlobalProjector(inChannels, inGrid, outWidth, outGrid, heads, true);
    }

    /**
     * A convolution-only projector for a CNN stage 4 (homogeneous CNN pair).
     *
     * @param inChannels student stage-3 channels
     * @param inGrid its grid side
     * @param outChannels teacher stage-3 channels (what its stage 4 reads)
     * @param outGrid the teacher's stage-3 grid side
     * @return the projector
     */
    public static LocalToGlobalProjector mapProjector(int inChannels, int inGrid, int outChannels, int outGrid) {
        return new LocalToGlobalProjector(inChannels, inGrid, outChannels, outGrid, 0, false);
    }

    /**
     * Whether the output is tokens (else a map).
     *
     * @return true for the MSA variant
     */
    public boolean producesTokens() {
        return attention != null;
    }

    /**
     * Projects a stage-3 map.
     *
     * @param store the parameter store
     * @param map {@code (B, inChannels, inGrid, inGrid)}
     * @param training training mode
     * @return tokens {@code (B, outGrid², outWidth)}, or a map {@code (B, outWidth, outGrid, outGrid)}
     */
    public NDArray forward(ParameterStore store, NDArray map, boolean training) {
        Shape s = map.getShape();
        if (s.dimension() != 4 || s.get(1) != inChannels || s.get(2) != inGrid || s.get(3) != inGrid) {
            throw new IllegalArgumentException("L2G projector expects a stage-3 map (B, " + inChannels + ", " + inGrid
                    + ", " + inGrid + "); got " + s);
        }
        NDArray x = map;
        if (upsample > 1) {
            x = x.repeat(2, upsample).repeat(3, upsample);
        }
        x = patchEmbed.forward(store, x, training);
        if (attention == null) {
            return x;
        }
        Shape c = x.getShape();
        NDArray tokens = x.reshape(c.get(0), c.get(1), c.get(2) * c.get(3)).transpose(0, 2, 1)
                .add(value(store, posEmbed, x, training));
        return attention.forward(store, tokens, training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(forward(store, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        return new Shape[] {attention == null ? new Shape(b, outWidth, outGrid, outGrid)
                : new Shape(b, (long) outGrid * outGrid, outWidth)};
    }
}
