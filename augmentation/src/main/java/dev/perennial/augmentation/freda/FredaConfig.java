package dev.perennial.augmentation.freda;

import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of {@code freda}. The paper's radius, mask shape and application rule are not known
 * (specs/deepfake.md §A.2: UNVERIFIED); the defaults below are the SDK's and say so.
 *
 * @param radius the low-frequency mask radius as a fraction of min(H, W)
 * @param maskShape {@code circle} or {@code square}
 * @param transform {@code engine-fft} or {@code dft-matmul}
 * @param mixing {@code complex} or {@code amplitude}
 * @param probability the chance that an eligible fake is mixed
 * @param fakeLabel the class id of fakes
 * @param pairedInput the batch input that holds each sample's corresponding real frame
 * @param selectInput an optional batch input (B values) marking the samples eligible for FreDA
 * @param imageInput the batch input holding the images
 * @param clip whether to clip the result to [0, 1]
 */
public record FredaConfig(
        @ConfigDoc("Low-frequency mask radius as a fraction of min(H, W), in [0, 1]; 0 keeps only DC from the "
                + "real image. Default 0.1 (SDK choice; the paper's value is unknown).") double radius,
        @ConfigDoc("Mask shape in the centred spectrum: 'circle' (default, SDK choice) or 'square'.")
                String maskShape,
        @ConfigDoc("'engine-fft' (default; the engine's complex fft2, which works on PyTorch) or 'dft-matmul' "
                + "(real DFT matrices, any engine, images up to ~128 px).") String transform,
        @ConfigDoc("What is mixed in the band: 'complex' (default; the spec's formula, whole complex spectrum) "
                + "or 'amplitude' (amplitudes only, the fake's phase kept; the paper's choice is unknown).")
                String mixing,
        @ConfigDoc("Probability in [0, 1] that an eligible fake is replaced by its FreDA mix; default 0.5 "
                + "(SDK choice). Use 1 when a curriculum marks the samples with selectInput.") double probability,
        @ConfigDoc("Class id of fake samples (only they are mixed); >= 0, default 1.") long fakeLabel,
        @ConfigDoc("Batch input with the corresponding real frame of each sample, same shape as the images; "
                + "default 'real'.") String pairedInput,
        @ConfigDoc("Optional batch input of B values; only samples whose value is > 0.5 are eligible (e.g. the "
                + "low-quality subset chosen by the curriculum). Empty (default) makes every fake eligible.")
                String selectInput,
        @ConfigDoc("Batch input holding the images, float32 B×C×H×W in [0, 1]; default 'image'.")
                String imageInput,
        @ConfigDoc("Clip the mix to [0, 1] as the spec does; default true.") boolean clip) {

    /** Validates every field. */
    public FredaConfig {
        if (!(radius >= 0 && radius <= 1)) {
            throw new IllegalArgumentException("freda config field 'radius' must be in [0, 1] (a fraction of "
                    + "min(H, W)); was " + radius);
        }
        MaskShape.parse(maskShape, "freda.maskShape");
        SpectrumTransform.parse(transform, "freda.transform");
        SpectrumMixing.parse(mixing, "freda.mixing");
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("freda config field 'probability' must be in [0, 1]; was "
                    + probability);
        }
        if (fakeLabel < 0) {
            throw new IllegalArgumentException("freda config field 'fakeLabel' must be a class id >= 0; was "
                    + fakeLabel);
        }
        if (pairedInput == null || pairedInput.isBlank()) {
            throw new IllegalArgumentException("freda config field 'pairedInput' must name the batch input with "
                    + "the corresponding real frames, e.g. 'real'");
        }
        if (selectInput == null) {
            selectInput = "";
        }
        if (imageInput == null || imageInput.isBlank()) {
            throw new IllegalArgumentException("freda config field 'imageInput' must name a batch input, e.g. 'image'");
        }
    }

    /**
     * The defaults.
     *
     * @return radius 0.1, circle, engine FFT, complex mixing, probability 0.5, fake label 1, paired input {@code real}
     */
    public static FredaConfig defaults() {
        return new FredaConfig(0.1, "circle", "engine-fft", "complex", 0.5, 1, "real", "", "image", true);
    }

    /**
     * The parsed mask shape.
     *
     * @return the shape
     */
    public MaskShape shape() {
        return MaskShape.parse(maskShape, "freda.maskShape");
    }

    /**
     * The parsed mixing.
     *
     * @return the mixing
     */
    public SpectrumMixing spectrumMixing() {
        return SpectrumMixing.parse(mixing, "freda.mixing");
    }

    /**
     * The parsed transform.
     *
     * @return the transform
     */
    public SpectrumTransform spectrumTransform() {
        return SpectrumTransform.parse(transform, "freda.transform");
    }
}
