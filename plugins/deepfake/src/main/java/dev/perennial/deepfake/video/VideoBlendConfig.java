package dev.perennial.deepfake.video;

import dev.perennial.spi.ConfigDoc;
import java.util.List;

/**
 * Configuration of {@code video-blend}: Video-level Blending (specs/deepfake.md §B.1.5). The generator is not
 * released, so the whole construction is a reconstruction (UNVERIFIED), patterned on SBI: a landmark-free elliptical
 * mask in the centre of the aligned crop (§B.7), a smooth random displacement field per frame, SBI's blend ratios.
 *
 * @param clipInput the batch input holding clips, B×T×C×H×W float32
 * @param warpStrengths maximum displacement in pixels for each frame; one value applies to every frame
 * @param controlGrid side of the coarse grid of random control displacements that is bilinearly upsampled into the
 *     smooth field
 * @param drift {@code per-frame} (VB: a new field for every frame, facial-feature drift) or {@code static} (the
 *     SBI baseline: one field for all frames)
 * @param blendRatios the β values drawn uniformly per clip (SBI: 0.25, 0.5, 0.75, 1, 1, 1)
 * @param maskAxes the ellipse's half-axes as fractions of (W, H)
 * @param maskSoftness the width of the mask's soft edge as a fraction of the half-axes
 * @param probability the chance that a real clip is turned into a VB fake
 * @param realLabel the class id of real clips (the only ones blended)
 * @param fakeLabel the class id the blended clips get
 */
public record VideoBlendConfig(
        @ConfigDoc("Batch input with the clips, float32 B x T x C x H x W in [0, 1]; default 'clip'.") String clipInput,
        @ConfigDoc("Maximum displacement in pixels per frame (a list of T values, or one value for every frame); "
                + ">= 0, default [2.0] (UNVERIFIED; SBI translates by up to 3% of the width).")
        List<Double> warpStrengths,
        @ConfigDoc("Side of the coarse control grid of the smooth displacement field, >= 2; default 4.")
        int controlGrid,
        @ConfigDoc("'per-frame' (default: a new field each frame, the facial-feature drift of VB) or 'static' "
                + "(one field for the whole clip, the SBI baseline).") String drift,
        @ConfigDoc("Blend ratios beta drawn uniformly per clip, each in [0, 1]; default SBI's [0.25, 0.5, 0.75, 1, 1, 1].")
        List<Double> blendRatios,
        @ConfigDoc("Half-axes of the elliptical blend mask as fractions of (W, H), each in (0, 1]; default [0.35, 0.45] "
                + "(aligned crops with a 1.3x margin; UNVERIFIED).") List<Double> maskAxes,
        @ConfigDoc("Soft edge of the mask as a fraction of the half-axes, in [0, 1]; default 0.3.") double maskSoftness,
        @ConfigDoc("Probability in [0, 1] that a real clip becomes a VB fake; default 0.5.") double probability,
        @ConfigDoc("Class id of real clips; default 0.") long realLabel,
        @ConfigDoc("Class id given to blended clips; default 1.") long fakeLabel) {

    /** Validates every field. */
    public VideoBlendConfig {
        if (clipInput == null || clipInput.isBlank()) {
            throw new IllegalArgumentException("video-blend config field 'clipInput' must name a batch input");
        }
        warpStrengths = List.copyOf(warpStrengths == null ? List.of() : warpStrengths);
        if (warpStrengths.isEmpty() || warpStrengths.stream().anyMatch(w -> !(w >= 0) || w.isInfinite())) {
            throw new IllegalArgumentException("video-blend config field 'warpStrengths' must hold finite pixel "
                    + "values >= 0 (one, or one per frame); was " + warpStrengths);
        }
        if (controlGrid < 2) {
            throw new IllegalArgumentException("video-blend config field 'controlGrid' must be >= 2; was "
                    + controlGrid);
        }
        if (!"per-frame".equals(drift) && !"static".equals(drift)) {
            throw new IllegalArgumentException("video-blend config field 'drift' must be 'per-frame' or 'static'; was '"
                    + drift + "'");
        }
        blendRatios = List.copyOf(blendRatios == null ? List.of() : blendRatios);
        if (blendRatios.isEmpty() || blendRatios.stream().anyMatch(b -> !(b >= 0 && b <= 1))) {
            throw new IllegalArgumentException("video-blend config field 'blendRatios' must hold values in [0, 1]; was "
                    + blendRatios);
        }
        maskAxes = List.copyOf(maskAxes == null ? List.of() : maskAxes);
        if (maskAxes.size() != 2 || maskAxes.stream().anyMatch(a -> !(a > 0 && a <= 1))) {
            throw new IllegalArgumentException("video-blend config field 'maskAxes' must be two fractions in (0, 1]; "
                    + "was " + maskAxes);
        }
        if (!(maskSoftness >= 0 && maskSoftness <= 1)) {
            throw new IllegalArgumentException("video-blend config field 'maskSoftness' must be in [0, 1]; was "
                    + maskSoftness);
        }
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("video-blend config field 'probability' must be in [0, 1]; was "
                    + probability);
        }
        if (realLabel < 0 || fakeLabel < 0 || realLabel == fakeLabel) {
            throw new IllegalArgumentException("video-blend config fields 'realLabel' and 'fakeLabel' must be "
                    + "distinct class ids >= 0; were " + realLabel + " and " + fakeLabel);
        }
    }

    /**
     * The defaults.
     *
     * @return clip input 'clip', 2 px per frame, 4×4 control grid, per-frame drift, SBI ratios, half-axes
     *     (0.35, 0.45), softness 0.3, probability 0.5, real 0 → fake 1
     */
    public static VideoBlendConfig defaults() {
        return new VideoBlendConfig("clip", List.of(2.0), 4, "per-frame", List.of(0.25, 0.5, 0.75, 1.0, 1.0, 1.0),
                List.of(0.35, 0.45), 0.3, 0.5, 0, 1);
    }

    /**
     * The warp strength of a frame.
     *
     * @param frame τ
     * @param frames T
     * @return pixels
     * @throws IllegalArgumentException when the list has neither 1 nor T values
     */
    public double warpStrength(int frame, int frames) {
        if (warpStrengths.size() == 1) {
            return warpStrengths.get(0);
        }
        if (warpStrengths.size() != frames) {
            throw new IllegalArgumentException("video-blend config field 'warpStrengths' has " + warpStrengths.size()
                    + " values but the clips have " + frames + " frames; give one value or one per frame");
        }
        return warpStrengths.get(frame);
    }
}
