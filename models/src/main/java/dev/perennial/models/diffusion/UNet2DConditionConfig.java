package dev.perennial.models.diffusion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The configuration of a {@link UNet2DConditionModel}, with the fields and defaults of diffusers'
 * {@code UNet2DConditionModel} {@code config.json} (SD-1.5: in/out 4, block_out_channels [320, 640, 1280, 1280],
 * layers_per_block 2, three {@code CrossAttnDownBlock2D} then a {@code DownBlock2D}, cross_attention_dim 768,
 * attention_head_dim 8, norm_num_groups 32).
 *
 * <p>As in diffusers, {@code attention_head_dim} is used as the number of heads when {@code num_attention_heads}
 * is absent (SD-1.5's config relies on this). Variants this implementation does not build (class or addition
 * embeddings, scale-shift time conditioning, several transformer layers per block, other block types) are refused
 * by name.
 *
 * @param inChannels latent channels in
 * @param outChannels channels out (the predicted noise)
 * @param blockOutChannels channels of each resolution level
 * @param downBlockTypes {@code CrossAttnDownBlock2D} or {@code DownBlock2D}, one per level
 * @param upBlockTypes {@code CrossAttnUpBlock2D} or {@code UpBlock2D}, one per level
 * @param layersPerBlock resnets per encoder level (the decoder has one more)
 * @param attentionHeads heads per level (encoder order)
 * @param crossAttentionDim width of the conditioning tokens
 * @param normNumGroups GroupNorm groups
 * @param normEps resnet GroupNorm epsilon
 * @param flipSinToCos whether the timestep embedding is [cos, sin] (SD: true)
 * @param freqShift the timestep embedding's frequency shift (SD: 0)
 * @param downsamplePadding padding of the downsampling convolutions (SD: 1)
 * @param useLinearProjection linear rather than 1×1-convolution projections in the transformers (SD 2)
 * @param centerInputSample whether the input is mapped by {@code 2x − 1} first
 * @param sampleSize the latent side the model was trained at (informative)
 */
public record UNet2DConditionConfig(
        int inChannels,
        int outChannels,
        List<Integer> blockOutChannels,
        List<String> downBlockTypes,
        List<String> upBlockTypes,
        int layersPerBlock,
        List<Integer> attentionHeads,
        int crossAttentionDim,
        int normNumGroups,
        float normEps,
        boolean flipSinToCos,
        int freqShift,
        int downsamplePadding,
        boolean useLinearProjection,
        boolean centerInputSample,
        int sampleSize) {

    /** The down-block type with cross-attention. */
    public static final String CROSS_DOWN = "CrossAttnDownBlock2D";
    /** The down-block type without attention. */
    public static final String PLAIN_DOWN = "DownBlock2D";
    /** The up-block type with cross-attention. */
    public static final String CROSS_UP = "CrossAttnUpBlock2D";
    /** The up-block type without attention. */
    public static final String PLAIN_UP = "UpBlock2D";

    /** Validates the combination. */
    public UNet2DConditionConfig {
        blockOutChannels = List.copyOf(blockOutChannels);
        downBlockTypes = List.copyOf(downBlockTypes);
        upBlockTypes = List.copyOf(upBlockTypes);
        attentionHeads = List.copyOf(attentionHeads);
        int n = blockOutChannels.size();
        if (n == 0 || downBlockTypes.size() != n || upBlockTypes.size() != n || attentionHeads.size() != n) {
            throw new IllegalArgumentException("UNet2DConditionConfig: block_out_channels, down_block_types, "
                    + "up_block_types and the head counts must have the same non-zero length; got " + n + ", "
                    + downBlockTypes.size() + ", " + upBlockTypes.size() + ", " + attentionHeads.size());
        }
        for (String t : downBlockTypes) {
            if (!t.equals(CROSS_DOWN) && !t.equals(PLAIN_DOWN)) {
                throw new IllegalArgumentException("UNet2DConditionConfig: down_block_types has '" + t
                        + "'; accepted: " + CROSS_DOWN + ", " + PLAIN_DOWN);
            }
        }
        for (String t : upBlockTypes) {
            if (!t.equals(CROSS_UP) && !t.equals(PLAIN_UP)) {
                throw new IllegalArgumentException("UNet2DConditionConfig: up_block_types has '" + t
                        + "'; accepted: " + CROSS_UP + ", " + PLAIN_UP);
            }
        }
        for (int i = 0; i < n; i++) {
            int c = blockOutChannels.get(i);
            if (c % normNumGroups != 0 || c % attentionHeads.get(i) != 0) {
                throw new IllegalArgumentException("UNet2DConditionConfig: block_out_channels[" + i + "] = " + c
                        + " must be divisible by norm_num_groups (" + normNumGroups + ") and the heads ("
                        + attentionHeads.get(i) + ")");
            }
        }
        if (blockOutChannels.get(0) % 2 != 0) {
            throw new IllegalArgumentException("UNet2DConditionConfig: block_out_channels[0] must be even (it is the"
                    + " sinusoidal timestep embedding's width), got " + blockOutChannels.get(0));
        }
        if (inChannels < 1 || outChannels < 1 || layersPerBlock < 1 || crossAttentionDim < 1 || !(normEps > 0)
                || downsamplePadding < 0 || downsamplePadding > 1) {
            throw new IllegalArgumentException("UNet2DConditionConfig: in/out channels, layers_per_block and "
                    + "cross_attention_dim must be positive, norm_eps > 0, downsample_padding 0 or 1");
        }
    }

    /** @return the time-embedding width, 4 × block_out_channels[0] */
    public int timeEmbedDim() {
        return 4 * blockOutChannels.get(0);
    }

    /**
     * Reads {@code config.json} from a diffusers model directory (or the file itself).
     *
     * @param path the {@code unet/} directory or its {@code config.json}
     * @return the config
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException naming the file and field when a value is invalid or unsupported
     */
    public static UNet2DConditionConfig read(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("config.json") : path;
        return fromJson(DiffusersJson.read(file));
    }

    /**
     * Parses a diffusers UNet config.
     *
     * @param json the JSON text
     * @param where a label for messages (the file name)
     * @return the config
     */
    public static UNet2DConditionConfig parse(String json, String where) {
        return fromJson(DiffusersJson.parse(json, where));
    }

    private static UNet2DConditionConfig fromJson(DiffusersJson j) {
        j.requireAbsentOr("class_embed_type", null);
        j.requireAbsentOr("addition_embed_type", null);
        j.requireAbsentOr("encoder_hid_dim", null);
        j.requireAbsentOr("time_cond_proj_dim", null);
        j.requireAbsentOr("resnet_time_scale_shift", "default");
        j.requireAbsentOr("time_embedding_type", "positional");
        j.requireAbsentOr("act_fn", "silu");
        j.requireAbsentOr("mid_block_type", "UNetMidBlock2DCrossAttn");
        j.requireAbsentOr("dual_cross_attention", "false");
        j.requireAbsentOr("only_cross_attention", "false");
        j.requireAbsentOr("transformer_layers_per_block", "1");
        if (j.number("mid_block_scale_factor", 1.0) != 1.0) {
            throw j.error("mid_block_scale_factor", "must be 1 (the only value Stable Diffusion uses)");
        }
        List<Integer> boc = j.ints("block_out_channels", List.of(320, 640, 1280, 1280));
        List<String> down = j.strings("down_block_types",
                List.of(CROSS_DOWN, CROSS_DOWN, CROSS_DOWN, PLAIN_DOWN));
        List<String> up = j.strings("up_block_types", List.of(PLAIN_UP, CROSS_UP, CROSS_UP, CROSS_UP));
        List<Integer> heads = j.has("num_attention_heads")
                ? j.intOrInts("num_attention_heads", 8, boc.size())
                : j.intOrInts("attention_head_dim", 8, boc.size());
        return new UNet2DConditionConfig(
                j.positive("in_channels", 4),
                j.positive("out_channels", 4),
                boc,
                down,
                up,
                j.positive("layers_per_block", 2),
                heads,
                j.positive("cross_attention_dim", 1280),
                j.positive("norm_num_groups", 32),
                (float) j.number("norm_eps", 1e-5),
                j.bool("flip_sin_to_cos", true),
                j.integer("freq_shift", 0),
                j.integer("downsample_padding", 1),
                j.bool("use_linear_projection", false),
                j.bool("center_input_sample", false),
                j.positive("sample_size", 64));
    }
}
