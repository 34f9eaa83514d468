package dev.perennial.augmentation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The shape of a batch of images, B×C×H×W, checked before any augmenter touches the data so a wrong input is
 * a clear error naming the plugin instead of a native stack trace.
 *
 * @param batch B
 * @param channels C
 * @param height H
 * @param width W
 */
public record ImageShape(int batch, int channels, int height, int width) {

    /** Checks that every size is positive. */
    public ImageShape {
        if (batch < 0 || channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image shape must be B>=0, C, H, W > 0; was ("
                    + batch + ", " + channels + ", " + height + ", " + width + ")");
        }
    }

    /**
     * Reads and checks the shape of an image array.
     *
     * @param image the array, float32 B×C×H×W
     * @param plugin the plugin that asks, for the message
     * @param inputName the batch input the array came from, for the message
     * @return the shape
     * @throws IllegalArgumentException naming the plugin and input when the array is not float32 with 4 axes
     */
    public static ImageShape of(NDArray image, String plugin, String inputName) {
        Shape s = image.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("augmenter '" + plugin + "': batch input '" + inputName
                    + "' has shape " + s + "; expected B×C×H×W (4 axes)");
        }
        if (image.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("augmenter '" + plugin + "': batch input '" + inputName
                    + "' is " + image.getDataType() + "; expected float32 with values in [0, 1]");
        }
        for (long d : s.getShape()) {
            if (d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("augmenter '" + plugin + "': batch input '" + inputName
                        + "' is too large: " + s);
            }
        }
        return new ImageShape((int) s.get(0), (int) s.get(1), (int) s.get(2), (int) s.get(3));
    }

    /**
     * The number of values of one image.
     *
     * @return C·H·W
     */
    public int imageSize() {
        return channels * height * width;
    }

    /**
     * The number of pixels of one channel.
     *
     * @return H·W
     */
    public int planeSize() {
        return height * width;
    }

    /**
     * The DJL shape.
     *
     * @return (B, C, H, W)
     */
    public Shape toShape() {
        return new Shape(batch, channels, height, width);
    }

    /**
     * Whether another shape holds images of the same size (the batch size may differ).
     *
     * @param other the other shape
     * @return true when C, H and W agree
     */
    public boolean sameImageSize(ImageShape other) {
        return channels == other.channels && height == other.height && width == other.width;
    }

    @Override
    public String toString() {
        return "(" + batch + ", " + channels + ", " + height + ", " + width + ")";
    }
}
