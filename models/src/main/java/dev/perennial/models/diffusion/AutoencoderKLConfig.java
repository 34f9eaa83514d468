package dev.perennial.models.diffusion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The configuration of an {@link AutoencoderKL}, with the fields and defaults of diffusers' {@code AutoencoderKL}
 * {@code config.json} (SD-1.5: block_out_channels [128, 256, 512, 512], layers_per_block 2, latent_channels 4,
 * norm_num_groups 32, scaling_factor 0.18215).
 *
 * @param inChannels image channels in
 * @param outChannels image channels out
 * @param blockOutChannels channels per level (encoder order)
 * @param layersPerBlock resnets per encoder level (the decoder has one more)
 * @param latentChannels latent channels
 * @param normNumGroups GroupNorm groups
 * @param scalingFactor the factor latents are multiplied by before diffusion (SD: 0.18215)
 * @param sampleSize the image side it was trained at (informative)
 */
public record AutoencoderKLConfig(
        int inChannels,
        int outChannels,
        List<Integer> blockOutChannels,
        int layersPerBlock,
        int latentChannels,
        int normNumGroups,
        float scalingFactor,
        int sampleSize) {

    /** Validates. */
    public AutoencoderKLConfig {
        blockOutChannels = List.copyOf(blockOutChannels);
        if (blockOutChannels.isEmpty() || inChannels < 1 || outChannels < 1 || layersPerBlock < 1
                || latentChannels < 1 || normNumGroups < 1 || !(scalingFactor > 0)) {
            throw new IllegalArgumentException("AutoencoderKLConfig: channels, layers and groups must be positive, "
                    + "block_out_channels non-empty and scaling_factor > 0");
        }
        for (int c : blockOutChannels) {
            if (c % normNumGroups != 0) {
                throw new IllegalArgumentException("AutoencoderKLConfig: block_out_channels entry " + c
                        + " is not divisible by norm_num_groups " + normNumGroups);
            }
        }
    }

    /**
     * Reads {@code config.json} from a diffusers {@code vae/} directory (or the file itself).
     *
     * @param path the directory or file
     * @return the config
     * @throws IOException if it cannot be read
     */
    public static AutoencoderKLConfig read(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("config.json") : path;
        return fromJson(DiffusersJson.read(file));
    }

    /**
     * Parses a diffusers VAE config.
     *
     * @param json the JSON text
     * @param where a label for messages
     * @return the config
     */
    public static AutoencoderKLConfig parse(String json, String where) {
        return fromJson(DiffusersJson.parse(json, where));
    }

    private static AutoencoderKLConfig fromJson(DiffusersJson j) {
        j.requireAbsentOr("act_fn", "silu");
        j.requireAbsentOr("mid_block_add_attention", "true");
        j.requireAbsentOr("use_quant_conv", "true");
        j.requireAbsentOr("use_post_quant_conv", "true");
        List<Integer> boc = j.ints("block_out_channels", List.of(64));
        for (String t : j.strings("down_block_types", List.of())) {
            if (!t.equals("DownEncoderBlock2D")) {
                throw j.error("down_block_types", "has '" + t + "'; accepted: DownEncoderBlock2D");
            }
        }
        for (String t : j.strings("up_block_types", List.of())) {
            if (!t.equals("UpDecoderBlock2D")) {
                throw j.error("up_block_types", "has '" + t + "'; accepted: UpDecoderBlock2D");
            }
        }
        if (j.strings("down_block_types", List.of()).size() > 0
                && j.strings("down_block_types", List.of()).size() != boc.size()) {
            throw j.error("down_block_types", "must have one entry per block_out_channels entry (" + boc.size() + ")");
        }
        return new AutoencoderKLConfig(
                j.positive("in_channels", 3),
                j.positive("out_channels", 3),
                boc,
                j.positive("layers_per_block", 1),
                j.positive("latent_channels", 4),
                j.positive("norm_num_groups", 32),
                (float) j.number("scaling_factor", 0.18215),
                j.positive("sample_size", 32));
    }
}
