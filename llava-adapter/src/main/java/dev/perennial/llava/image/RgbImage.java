package dev.perennial.llava.image;

/**
 * An 8-bit RGB image held in Java, row-major and interleaved ({@code r, g, b} per pixel), as PIL's {@code RGB}
 * mode stores it.
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param rgb {@code width × height × 3} bytes (read unsigned)
 */
public record RgbImage(int width, int height, byte[] rgb) {

    /** Validates the size. */
    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image: width and height must be positive, got " + width + "x" + height);
        }
        if (rgb == null || rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("image: " + width + "x" + height + " RGB needs " + (long) width * height * 3
                    + " bytes, got " + (rgb == null ? "none" : rgb.length));
        }
    }

    /**
     * From packed {@code 0xAARRGGBB} pixels, the layout of {@code java.awt.image.BufferedImage.getRGB} (alpha
     * ignored).
     *
     * @param width width
     * @param height height
     * @param argb {@code width × height} pixels, row-major
     * @return the image
     */
    public static RgbImage fromArgb(int width, int height, int[] argb) {
        if (argb == null || argb.length != (long) width * height) {
            throw new IllegalArgumentException("image: " + width + "x" + height + " needs " + (long) width * height
                    + " packed pixels, got " + (argb == null ? "none" : argb.length));
        }
        byte[] out = new byte[argb.length * 3];
        for (int i = 0; i < argb.length; i++) {
            out[3 * i] = (byte) (argb[i] >> 16);
            out[3 * i + 1] = (byte) (argb[i] >> 8);
            out[3 * i + 2] = (byte) argb[i];
        }
        return new RgbImage(width, height, out);
    }

    /**
     * One channel value.
     *
     * @param x column
     * @param y row
     * @param channel 0 red, 1 green, 2 blue
     * @return 0…255
     */
    public int value(int x, int y, int channel) {
        return rgb[(y * width + x) * 3 + channel] & 0xFF;
    }
}
