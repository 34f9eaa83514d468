package dev.perennial.llava;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.perennial.llava.image.AspectMode;
import dev.perennial.llava.image.LlavaImageProcessor;
import dev.perennial.llava.image.RgbImage;
import org.junit.jupiter.api.Test;

/** LLaVA-1.5 preprocessing numbers that can be worked out by hand. */
class ImageProcessorTest {

    @Test
    void paddingColourIsIntOfMeanTimes255() {
        assertArrayEquals(new int[] {122, 116, 104}, LlavaImageProcessor.llava15(336).background());
    }

    @Test
    void aWideImageIsCentredOnAMeanColouredSquare() {
        // 2x1 white image → 2x2 square: row 0 is the image ((2 − 1) // 2 = 0), row 1 the background; no resize.
        byte[] white = {(byte) 255, (byte) 255, (byte) 255, (byte) 255, (byte) 255, (byte) 255};
        LlavaImageProcessor p = LlavaImageProcessor.llava15(2);
        float[] px = p.pixels(new RgbImage(2, 1, white));
        for (int c = 0; c < 3; c++) {
            float mean = LlavaImageProcessor.CLIP_MEAN[c];
            float std = LlavaImageProcessor.CLIP_STD[c];
            float image = (1f - mean) / std;
            float background = (p.background()[c] / 255f - mean) / std;
            assertEquals(image, px[c * 4], 1e-6f);
            assertEquals(image, px[c * 4 + 1], 1e-6f);
            assertEquals(background, px[c * 4 + 2], 1e-6f);
            assertEquals(background, px[c * 4 + 3], 1e-6f);
        }
    }

    @Test
    void halvingAveragesPairsWithPilRounding() {
        // 2 → 1 pixels: the cubic kernel stretched by 2 weighs both inputs 1/2; PIL rounds half up in fixed point.
        byte[] rgb = {10, 10, 10, 21, 21, 21};
        RgbImage sq = new LlavaImageProcessor(1, LlavaImageProcessor.CLIP_MEAN, LlavaImageProcessor.CLIP_STD,
                AspectMode.CENTER_CROP).square(new RgbImage(2, 1, rgb));
        // Centre-crop mode: short side 1 → 1x1 after resizing 2x1 to (int(1·2/1)=2)x1 and cropping the centre.
        assertEquals(1, sq.width());
        RgbImage halved = LlavaImageProcessor.llava15(1).square(new RgbImage(2, 2, new byte[] {
            10, 10, 10, 21, 21, 21, 10, 10, 10, 21, 21, 21}));
        assertEquals(16, halved.value(0, 0, 0), "(10 + 21) / 2 = 15.5 rounds to 16");
    }

    @Test
    void aConstantImageStaysConstantAtAnySize() {
        byte[] rgb = new byte[7 * 3 * 3];
        java.util.Arrays.fill(rgb, (byte) 77);
        for (int size : new int[] {2, 5, 16}) {
            RgbImage out = new LlavaImageProcessor(size, LlavaImageProcessor.CLIP_MEAN, LlavaImageProcessor.CLIP_STD,
                    AspectMode.CENTER_CROP).square(new RgbImage(7, 3, rgb));
            for (int i = 0; i < out.rgb().length; i++) {
                assertEquals(77, out.rgb()[i] & 0xFF, "size " + size);
            }
        }
    }
}
