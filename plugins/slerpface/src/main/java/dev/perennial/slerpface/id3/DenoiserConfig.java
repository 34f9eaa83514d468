package dev.perennial.slerpface.id3;

import dev.perennial.models.diffusion.NoiseSchedule;
import dev.perennial.models.diffusion.UNet2DConditionConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shape of an {@link IdentityConditionedDenoiser} and its noise schedule: what a denoiser file records so that
 * it can be rebuilt without the experiment that trained it.
 *
 * @param imageSize image side S (the UNet runs in pixel space on 3 × S × S images in [−1, 1])
 * @param blockOutChannels UNet channels per resolution level (every level has cross-attention)
 * @param heads attention heads per level
 * @param crossAttentionDim width D of the conditioning tokens
 * @param identityTokens tokens the identity embedding y is projected to
 * @param identityDim d, the recogniser's embedding width
 * @param attributeDim attribute values per image (0: no attribute conditioning)
 * @param trainSteps T of the DDPM schedule
 * @param betaStart β_0 (linear schedule)
 * @param betaEnd β_{T−1}
 */
public record DenoiserConfig(int imageSize, List<Integer> blockOutChannels, int heads, int crossAttentionDim,
        int identityTokens, int identityDim, int attributeDim, int trainSteps, double betaStart, double betaEnd) {

    /** Validates the combination (the UNet config checks its own part). */
    public DenoiserConfig {
        blockOutChannels = List.copyOf(blockOutChannels);
        long factor = 1L << (blockOutChannels.size() - 1);
        if (imageSize < 4 || imageSize % factor != 0) {
            throw new IllegalArgumentException("id3 denoiser: imageSize must be >= 4 and divisible by " + factor
                    + " (2^(levels-1)), was " + imageSize);
        }
        if (identityTokens < 1 || identityDim < 1 || attributeDim < 0 || crossAttentionDim < 1 || heads < 1) {
            throw new IllegalArgumentException("id3 denoiser: identityTokens, identityDim, crossAttentionDim and heads"
                    + " must be >= 1 and attributeDim >= 0; were " + identityTokens + ", " + identityDim + ", "
                    + crossAttentionDim + ", " + heads + ", " + attributeDim);
        }
        schedule(trainSteps, betaStart, betaEnd);
        unetConfig(blockOutChannels, heads, crossAttentionDim, imageSize);
    }

    /** @return the UNet's configuration: 3 → 3 channels, cross-attention at every level, one resnet per level */
    public UNet2DConditionConfig unet() {
        return unetConfig(blockOutChannels, heads, crossAttentionDim, imageSize);
    }

    private static UNet2DConditionConfig unetConfig(List<Integer> boc, int heads, int cross, int size) {
        List<String> down = new ArrayList<>();
        List<String> up = new ArrayList<>();
        List<Integer> h = new ArrayList<>();
        for (int i = 0; i < boc.size(); i++) {
            down.add(UNet2DConditionConfig.CROSS_DOWN);
            up.add(UNet2DConditionConfig.CROSS_UP);
            h.add(heads);
        }
        int groups = Math.min(8, boc.get(0));
        for (int c : boc) {
            while (c % groups != 0) {
                groups--;
            }
        }
        return new UNet2DConditionConfig(3, 3, boc, down, up, 1, h, cross, groups, 1e-5f, true, 0, 1, false, false,
                size);
    }

    /** @return the linear β schedule of T steps */
    public NoiseSchedule schedule() {
        return schedule(trainSteps, betaStart, betaEnd);
    }

    private static NoiseSchedule schedule(int steps, double start, double end) {
        return new NoiseSchedule(steps, start, end, NoiseSchedule.BetaSchedule.LINEAR);
    }

    /** @return the fields as the strings a denoiser file's metadata holds */
    Map<String, String> toMetadata() {
        return Map.of("id3.imageSize", Integer.toString(imageSize),
                "id3.blockOutChannels", String.join(",", blockOutChannels.stream().map(String::valueOf).toList()),
                "id3.heads", Integer.toString(heads), "id3.crossAttentionDim", Integer.toString(crossAttentionDim),
                "id3.identityTokens", Integer.toString(identityTokens), "id3.identityDim", Integer.toString(identityDim),
                "id3.attributeDim", Integer.toString(attributeDim), "id3.trainSteps", Integer.toString(trainSteps),
                "id3.betaStart", Double.toString(betaStart), "id3.betaEnd", Double.toString(betaEnd));
    }

    /**
     * Reads the fields back from a denoiser file's metadata.
     *
     * @param metadata the {@code __metadata__} strings
     * @param where the file, for messages
     * @return the configuration
     * @throws IllegalArgumentException naming the file and the missing or malformed field
     */
    static DenoiserConfig fromMetadata(Map<String, String> metadata, String where) {
        try {
            List<Integer> boc = new ArrayList<>();
            for (String c : field(metadata, "id3.blockOutChannels", where).split(",")) {
                boc.add(Integer.parseInt(c.trim()));
            }
            return new DenoiserConfig(integer(metadata, "id3.imageSize", where), boc,
                    integer(metadata, "id3.heads", where), integer(metadata, "id3.crossAttentionDim", where),
                    integer(metadata, "id3.identityTokens", where), integer(metadata, "id3.identityDim", where),
                    integer(metadata, "id3.attributeDim", where), integer(metadata, "id3.trainSteps", where),
                    Double.parseDouble(field(metadata, "id3.betaStart", where)),
                    Double.parseDouble(field(metadata, "id3.betaEnd", where)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": malformed id3 denoiser metadata (" + e.getMessage() + ")");
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(where)) {
                throw e;
            }
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    private static String field(Map<String, String> m, String key, String where) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException(where + ": not an id3 denoiser file (metadata has no '" + key
                    + "'; it has " + m.keySet() + ")");
        }
        return v;
    }

    private static int integer(Map<String, String> m, String key, String where) {
        return Integer.parseInt(field(m, key, where).trim());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "id3 denoiser %dx%d, channels %s, %d heads, D=%d, %d identity tokens "
                + "(d=%d), %d attributes, T=%d", imageSize, imageSize, blockOutChannels, heads, crossAttentionDim,
                identityTokens, identityDim, attributeDim, trainSteps);
    }
}
