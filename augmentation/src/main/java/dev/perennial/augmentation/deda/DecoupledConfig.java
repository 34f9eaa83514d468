package dev.perennial.augmentation.deda;

import dev.perennial.spi.ConfigDoc;
import java.util.regex.Pattern;

/**
 * Configuration of {@code de-da}. De-DA's own values are unknown (spec §3: all UNVERIFIED); each default says
 * where it comes from.
 *
 * @param applyProbability p_apply, the chance that a sample is recombined
 * @param interClass whether backgrounds must come from another class
 * @param objectSource {@code pool} or {@code own}
 * @param maskSource {@code auto}, {@code dataset}, {@code saliency} or a registered {@link MaskProvider}
 * @param maskInput the batch input holding dataset masks
 * @param maskThreshold the alpha at which a pixel counts as object
 * @param saliencyBlurFraction σ of the saliency blur as a fraction of min(H, W)
 * @param saliencyThreshold the saliency threshold as a multiple of the mean
 * @param editor {@code photometric-geometric}, {@code identity} or a registered {@link ObjectEditor}
 * @param editBrightness brightness bound of the default editor
 * @param editContrast contrast bound
 * @param editSaturation saturation bound
 * @param editRotationDegrees rotation bound in degrees
 * @param editScale scale bound
 * @param editTranslate translation bound as a fraction of the image size
 * @param editFlipProbability chance of a horizontal mirror
 * @param holeFill {@code harmonic} or {@code mean}
 * @param holeDilation growth of the hole in pixels
 * @param fillIterations Gauss–Seidel sweeps of the harmonic fill after its onion-peel start
 * @param blend {@code alpha}, {@code feather} or {@code pyramid}
 * @param featherSigma σ of the feathered mask in pixels
 * @param pyramidLevels levels of the Laplacian pyramid
 * @param poolSizePerClass the most objects and the most backgrounds kept per class
 * @param resetPoolsEachTask whether pools are emptied when a task starts
 * @param imageInput the batch input holding the images
 */
public record DecoupledConfig(
        @ConfigDoc("p_apply: probability in [0, 1] that a sample is replaced by an object-on-new-background "
                + "composite; default 0.5 (DA-Fusion's synthetic probability; UNVERIFIED for De-DA).")
                double applyProbability,
        @ConfigDoc("Backgrounds come only from classes other than the object's (spec: 'inter-class variants'); "
                + "default true. False allows any class, the object's own included.") boolean interClass,
        @ConfigDoc("Which object is pasted: 'pool' (default; a uniform draw from the per-class object pool, spec "
                + "§2.4) or 'own' (the sample's own object).") String objectSource,
        @ConfigDoc("Where object masks come from: 'auto' (default; the batch's mask input when present, else "
                + "saliency), 'dataset', 'saliency' (spectral residual), or the name of a MaskProvider registered "
                + "with ServiceLoader.") String maskSource,
        @ConfigDoc("Batch input with the dataset's masks, B×1×H×W (or B×H×W) in [0, 1]; default 'mask'.")
                String maskInput,
        @ConfigDoc("Alpha in (0, 1] at or above which a pixel counts as object (for the hole and for 'empty mask'); "
                + "default 0.5.") double maskThreshold,
        @ConfigDoc("Saliency blur sigma as a fraction of min(H, W), in [0, 1]; default 0.125 (Hou & Zhang: "
                + "sigma 8 on 64-pixel images).") double saliencyBlurFraction,
        @ConfigDoc("Saliency object threshold as a multiple of the mean saliency, in (0, 100]; default 3 (Hou & "
                + "Zhang's object map).") double saliencyThreshold,
        @ConfigDoc("Object editor: 'photometric-geometric' (default), 'identity', or the name of an ObjectEditor "
                + "registered with ServiceLoader.") String editor,
        @ConfigDoc("Default editor: brightness factor drawn from [1 - b, 1 + b], b in [0, 1]; default 0.1.")
                double editBrightness,
        @ConfigDoc("Default editor: contrast factor about the object's mean from [1 - c, 1 + c], c in [0, 1]; "
                + "default 0.1.") double editContrast,
        @ConfigDoc("Default editor: saturation factor (3-channel images) from [1 - s, 1 + s], s in [0, 1]; "
                + "default 0.1.") double editSaturation,
        @ConfigDoc("Default editor: rotation about the object's centre in [-r, r] degrees, r in [0, 180]; "
                + "default 10.") double editRotationDegrees,
        @ConfigDoc("Default editor: scale factor from [1 - s, 1 + s], s in [0, 0.9]; default 0.1.")
                double editScale,
        @ConfigDoc("Default editor: shift per axis in [-t, t] times the image size, t in [0, 1]; default 0.05.")
                double editTranslate,
        @ConfigDoc("Default editor: probability in [0, 1] of a horizontal mirror; default 0 (mirroring is not "
                + "label-preserving for every dataset).") double editFlipProbability,
        @ConfigDoc("Hole filling of backgrounds: 'harmonic' (default; Laplace inpainting by Gauss-Seidel sweeps) "
                + "or 'mean' (per-channel mean of the background).") String holeFill,
        @ConfigDoc("Pixels (0 to 16) by which the object's hole is grown before filling, so its rim goes too; "
                + "default 1.") int holeDilation,
        @ConfigDoc("Gauss-Seidel sweeps of the harmonic fill after its onion-peel start, 0 to 10000; default 20.")
                int fillIterations,
        @ConfigDoc("Compositing: 'alpha' (default), 'feather' (Gaussian-softened mask) or 'pyramid' "
                + "(Laplacian-pyramid blend).") String blend,
        @ConfigDoc("Feather sigma in pixels, in [0, 16]; default 1.") double featherSigma,
        @ConfigDoc("Laplacian pyramid levels, 1 to 8; default 3.") int pyramidLevels,
        @ConfigDoc("Most objects and most backgrounds kept per class (reservoir samples), 1 to 100000; "
                + "default 16. Pools are checkpointed, so this bounds memory and checkpoint size.")
                int poolSizePerClass,
        @ConfigDoc("Empty the pools when a task starts; default false (backgrounds of earlier classes stay "
                + "available to later tasks).") boolean resetPoolsEachTask,
        @ConfigDoc("Batch input holding the images, float32 B×C×H×W in [0, 1]; default 'image'.")
                String imageInput) {

    private static final Pattern PART_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    /** Validates every field; messages name the field and the accepted range. */
    public DecoupledConfig {
        range("applyProbability", applyProbability, 0, 1);
        if (!"pool".equals(objectSource) && !"own".equals(objectSource)) {
            throw new IllegalArgumentException("de-da config field 'objectSource' must be 'pool' or 'own'; was '"
                    + objectSource + "'");
        }
        partName("maskSource", maskSource);
        if (maskInput == null || maskInput.isBlank()) {
            throw new IllegalArgumentException("de-da config field 'maskInput' must name a batch input, e.g. 'mask'");
        }
        if (!(maskThreshold > 0 && maskThreshold <= 1)) {
            throw new IllegalArgumentException("de-da config field 'maskThreshold' must be in (0, 1]; was "
                    + maskThreshold);
        }
        range("saliencyBlurFraction", saliencyBlurFraction, 0, 1);
        if (!(saliencyThreshold > 0 && saliencyThreshold <= 100)) {
            throw new IllegalArgumentException("de-da config field 'saliencyThreshold' must be in (0, 100]; was "
                    + saliencyThreshold);
        }
        partName("editor", editor);
        new EditStrength(editBrightness, editContrast, editSaturation, editRotationDegrees, editScale,
                editTranslate, editFlipProbability);
        HoleFill.parse(holeFill);
        intRange("holeDilation", holeDilation, 0, 16);
        intRange("fillIterations", fillIterations, 0, 10000);
        Compositing.parse(blend);
        range("featherSigma", featherSigma, 0, 16);
        intRange("pyramidLevels", pyramidLevels, 1, 8);
        intRange("poolSizePerClass", poolSizePerClass, 1, 100000);
        if (imageInput == null || imageInput.isBlank()) {
            throw new IllegalArgumentException("de-da config field 'imageInput' must name a batch input, e.g. 'image'");
        }
    }

    private static void range(String field, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException("de-da config field '" + field + "' must be in [" + lo + ", " + hi
                    + "]; was " + v);
        }
    }

    private static void intRange(String field, int v, int lo, int hi) {
        if (v < lo || v > hi) {
            throw new IllegalArgumentException("de-da config field '" + field + "' must be in [" + lo + ", " + hi
                    + "]; was " + v);
        }
    }

    private static void partName(String field, String v) {
        if (v == null || !PART_NAME.matcher(v).matches()) {
            throw new IllegalArgumentException("de-da config field '" + field + "' must be a lower-case name "
                    + "([a-z][a-z0-9-]*); was '" + v + "'");
        }
    }

    /**
     * The defaults.
     *
     * @return the spec's and the SDK's defaults, as documented per field
     */
    public static DecoupledConfig defaults() {
        return new DecoupledConfig(0.5, true, "pool", "auto", "mask", 0.5, 0.125, 3.0,
                "photometric-geometric", 0.1, 0.1, 0.1, 10, 0.1, 0.05, 0.0,
                "harmonic", 1, 20, "alpha", 1.0, 3, 16, false, "image");
    }

    /**
     * The bounds of the default editor.
     *
     * @return the edit strength
     */
    public EditStrength editStrength() {
        return new EditStrength(editBrightness, editContrast, editSaturation, editRotationDegrees, editScale,
                editTranslate, editFlipProbability);
    }

    /**
     * A copy with another value, for tests and programmatic use (records have no withers).
     *
     * @param p the apply probability
     * @return the copy
     */
    public DecoupledConfig withApplyProbability(double p) {
        return new DecoupledConfig(p, interClass, objectSource, maskSource, maskInput, maskThreshold,
                saliencyBlurFraction, saliencyThreshold, editor, editBrightness, editContrast, editSaturation,
                editRotationDegrees, editScale, editTranslate, editFlipProbability, holeFill, holeDilation,
                fillIterations, blend, featherSigma, pyramidLevels, poolSizePerClass, resetPoolsEachTask, imageInput);
    }
}
