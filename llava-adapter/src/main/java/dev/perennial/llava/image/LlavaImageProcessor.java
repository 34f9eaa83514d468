package dev.perennial.llava.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.models.nn.Owned;
import java.util.List;

/**
 * LLaVA-1.5's image preprocessing (LLaVA {@code train.py} / {@code mm_utils.process_images} with
 * {@code image_aspect_ratio = pad}, then {@code CLIPImageProcessor}):
 * <ol>
 *   <li>pad to a square with the background colour {@code int(mean × 255)} per channel, the image centred
 *       ({@code expand2square}: offset {@code (long − short) // 2});</li>
 *   <li>resize to {@code size × size} with PIL's bicubic filter ({@link BicubicResize});</li>
 *   <li>rescale by 1/255 and normalise per channel, {@code (x − mean) / std}, channels first.</li>
 * </ol>
 * With {@link AspectMode#CENTER_CROP} step 1–2 are CLIP's: resize the short side to {@code size}
 * ({@code long = int(size × long / short)}), crop the centre.
 *
 * @param size the output side (336 for LLaVA-1.5; the vision config's {@code image_size})
 * @param mean per-channel mean, RGB
 * @param std per-channel standard deviation, RGB
 * @param aspectMode how to make the image square
 */
public record LlavaImageProcessor(int size, float[] mean, float[] std, AspectMode aspectMode) {
    /** OpenAI CLIP's normalisation mean (RGB). */
    public static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    /** OpenAI CLIP's normalisation standard deviation (RGB). */
    public static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    /** Validates. */
    public LlavaImageProcessor {
        if (size <= 0) {
            throw new IllegalArgumentException("image processor: size must be positive, got " + size);
        }
        if (mean == null || std == null || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("image processor: mean and std need 3 values (RGB)");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("image processor: std values must be positive");
            }
        }
        mean = mean.clone();
        std = std.clone();
        if (aspectMode == null) {
            throw new IllegalArgumentException("image processor: aspect mode is required (PAD or CENTER_CROP)");
        }
    }

    /**
     * LLaVA-1.5's settings at a given size: CLIP mean and std, pad to square.
     *
     * @param size the vision tower's image size (336 for LLaVA-1.5)
     * @return the processor
     */
    public static LlavaImageProcessor llava15(int size) {
        return new LlavaImageProcessor(size, CLIP_MEAN, CLIP_STD, AspectMode.PAD);
    }

    /** @return the padding colour of {@code expand2square}: {@code int(mean × 255)} per channel */
    public int[] background() {
        int[] bg = new int[3];
        for (int c = 0; c < 3; c++) {
            bg[c] = (int) (mean[c] * 255.0);
        }
        return bg;
    }

    /**
     * Steps 1–2: the square, resized 8-bit image.
     *
     * @param image the input
     * @return a {@code size × size} image
     */
    public RgbImage square(RgbImage image) {
        if (aspectMode == AspectMode.PAD) {
            return BicubicResize.resize(expandToSquare(image, background()), size, size);
        }
        int w = image.width();
        int h = image.height();
        int newW = w <= h ? size : (int) ((long) size * w / h);
        int newH = w <= h ? (int) ((long) size * h / w) : size;
        RgbImage resized = BicubicResize.resize(image, newW, newH);
        int top = (newH - size) / 2;
        int left = (newW - size) / 2;
        byte[] out = new byte[size * size * 3];
        for (int y = 0; y < size; y++) {
            System.arraycopy(resized.rgb(), ((top + y) * newW + left) * 3, out, y * size * 3, size * 3);
        }
        return new RgbImage(size, size, out);
    }

    /**
     * LLaVA's {@code expand2square}.
     *
     * @param image the input
     * @param background RGB fill
     * @return the square image (the input itself if already square)
     */
    static RgbImage expandToSquare(RgbImage image, int[] background) {
        int w = image.width();
        int h = image.height();
        if (w == h) {
            return image;
        }
        int side = Math.max(w, h);
        byte[] out = new byte[side * side * 3];
        for (int i = 0; i < side * side; i++) {
            out[3 * i] = (byte) background[0];
            out[3 * i + 1] = (byte) background[1];
            out[3 * i + 2] = (byte) background[2];
        }
        int left = w < h ? (h - w) / 2 : 0;
        int top = w > h ? (w - h) / 2 : 0;
        for (int y = 0; y < h; y++) {
            System.arraycopy(image.rgb(), y * w * 3, out, ((top + y) * side + left) * 3, w * 3);
        }
        return new RgbImage(side, side, out);
    }

    /**
     * All steps for one image.
     *
     * @param image the input
     * @return {@code 3 × size × size} floats, channels first
     */
    public float[] pixels(RgbImage image) {
        RgbImage sq = square(image);
        float[] out = new float[3 * size * size];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    float v = sq.value(x, y, c) / 255f;
                    out[(c * size + y) * size + x] = (v - mean[c]) / std[c];
                }
            }
        }
        return out;
    }

    /**
     * All steps for a batch, as the vision tower's input.
     *
     * @param manager where to create the array
     * @param images the inputs
     * @return (N, 3, size, size) float32
     */
    public NDArray preprocess(NDManager manager, List<RgbImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("image processor: no images");
        }
        int per = 3 * size * size;
        float[] all = new float[per * images.size()];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(pixels(images.get(i)), 0, all, i * per, per);
        }
        return Owned.floats(manager, all, new Shape(images.size(), 3, size, size)); // owns its memory (issue 16)
    }
}
