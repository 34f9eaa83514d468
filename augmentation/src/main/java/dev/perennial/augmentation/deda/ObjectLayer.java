package dev.perennial.augmentation.deda;

/**
 * One class-dependent part (CDP) as an RGBA layer: the image values, not premultiplied, and the alpha mask A in
 * [0, 1] (1 = object). Compositing uses A·rgb + (1 − A)·background, so storing the unmultiplied image keeps soft
 * masks from being applied twice.
 *
 * @param rgb C·H·W values in [0, 1], channel planes row-major
 * @param alpha H·W values in [0, 1]
 * @param channels C
 * @param height H
 * @param width W
 */
public record ObjectLayer(float[] rgb, float[] alpha, int channels, int height, int width) {

    /** Checks the array lengths. */
    public ObjectLayer {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("object layer sizes must be positive; were C=" + channels
                    + " H=" + height + " W=" + width);
        }
        if (rgb.length != channels * height * width || alpha.length != height * width) {
            throw new IllegalArgumentException("object layer arrays hold " + rgb.length + " and " + alpha.length
                    + " values; expected " + channels * height * width + " and " + height * width);
        }
    }

    /**
     * A deep copy, so editors can work in place on it.
     *
     * @return the copy
     */
    public ObjectLayer copy() {
        return new ObjectLayer(rgb.clone(), alpha.clone(), channels, height, width);
    }
}
