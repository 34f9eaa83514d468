package dev.perennial.augmentation.deda;

/**
 * How far {@link PhotometricGeometricEditor} may move an object: every change is drawn uniformly within these
 * bounds, so the defaults keep objects recognisably themselves ("conservative CDP editing").
 *
 * @param brightness relative brightness change: factor in [1 − b, 1 + b]
 * @param contrast relative contrast change around the object's mean: factor in [1 − c, 1 + c]
 * @param saturation relative saturation change around the grey value (three-channel images): [1 − s, 1 + s]
 * @param rotationDegrees rotation about the object's centre of mass, in [−r, r] degrees
 * @param scale relative scale about the centre of mass: factor in [1 − s, 1 + s]
 * @param translate shift as a fraction of the image size, in [−t, t] per axis
 * @param flipProbability chance of a horizontal mirror about the centre of mass
 */
public record EditStrength(double brightness, double contrast, double saturation, double rotationDegrees,
                           double scale, double translate, double flipProbability) {

    /** Checks the ranges; messages name the {@code de-da} config fields. */
    public EditStrength {
        check("editBrightness", brightness, 0, 1);
        check("editContrast", contrast, 0, 1);
        check("editSaturation", saturation, 0, 1);
        check("editRotationDegrees", rotationDegrees, 0, 180);
        check("editScale", scale, 0, 0.9);
        check("editTranslate", translate, 0, 1);
        check("editFlipProbability", flipProbability, 0, 1);
    }

    private static void check(String field, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException("de-da config field '" + field + "' must be in [" + lo + ", " + hi
                    + "]; was " + v);
        }
    }
}
