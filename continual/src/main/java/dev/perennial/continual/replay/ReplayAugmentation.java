package dev.perennial.continual.replay;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.nn.Owned;
import java.util.SplittableRandom;

/**
 * The augmentation a rehearsal learner applies itself, to the stream batch and to every draw from its memory
 * (stored examples are kept as the loop handed them and re-augmented at each replay, as Mammoth does).
 */
public enum ReplayAugmentation {
    /** No augmentation. */
    NONE,
    /**
     * Zero-pad 4 pixels, crop back to H×W at a random offset, flip horizontally with probability 1/2: Mammoth's
     * Seq-CIFAR-10 training transform ({@code RandomCrop(32, padding=4)}, {@code RandomHorizontalFlip()}).
     */
    CROP_FLIP;

    private static final int PAD = 4;

    /**
     * Parses a configuration value.
     *
     * @param field the field, for the message
     * @param value {@code none} or {@code crop-flip}
     * @return the augmentation
     * @throws IllegalArgumentException naming the field and the accepted values
     */
    public static ReplayAugmentation parse(String field, String value) {
        return switch (value) {
            case "none" -> NONE;
            case "crop-flip" -> CROP_FLIP;
            default -> throw new IllegalArgumentException(field + " must be 'none' or 'crop-flip', was '" + value
                    + "'");
        };
    }

    /**
     * Augments a batch of images; the input is not changed.
     *
     * @param images (B, C, H, W) float32, no gradient needed
     * @param seed the seed of this batch's random offsets and flips
     * @return the augmented images, an owned array of the same manager (the input itself for {@link #NONE})
     */
    public NDArray apply(NDArray images, long seed) {
        if (this == NONE) {
            return images;
        }
        Shape s = images.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("crop-flip augmentation needs images of shape B×C×H×W, got " + s);
        }
        int b = (int) s.get(0);
        int c = (int) s.get(1);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        float[] in = images.toType(DataType.FLOAT32, false).toFloatArray();
        float[] out = new float[in.length];
        SplittableRandom r = new SplittableRandom(seed);
        for (int n = 0; n < b; n++) {
            int oy = r.nextInt(2 * PAD + 1) - PAD;
            int ox = r.nextInt(2 * PAD + 1) - PAD;
            boolean flip = r.nextBoolean();
            for (int ch = 0; ch < c; ch++) {
                int base = (n * c + ch) * h * w;
                for (int y = 0; y < h; y++) {
                    int sy = y + oy;
                    if (sy < 0 || sy >= h) {
                        continue;
                    }
                    for (int x = 0; x < w; x++) {
                        int sx = (flip ? w - 1 - x : x) + ox;
                        if (sx >= 0 && sx < w) {
                            out[base + y * w + x] = in[base + sy * w + sx];
                        }
                    }
                }
            }
        }
        return Owned.floats(images.getManager(), out, s);
    }
}
