package dev.perennial.augmentation.deda;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.augmentation.TestStep;
import dev.perennial.spi.Batch;
import java.util.Random;

/**
 * Test data whose every pixel names its origin: class k is a square of colour {@link #object(int)} on a
 * constant background {@link #background(int)}; the mask is the square.
 */
final class SquaresOnBackgrounds {

    static final int C = 3;
    static final int H = 16;
    static final int W = 16;
    static final int SIDE = 5;

    private SquaresOnBackgrounds() {}

    static float[] background(int k) {
        return new float[] {0.1f + 0.2f * k, 0.3f, 0.6f - 0.1f * k};
    }

    static float[] object(int k) {
        return new float[] {0.95f, 0.05f + 0.2f * k, 0.5f};
    }

    /**
     * A batch with the given labels, squares at random places, the mask as input {@code mask}.
     *
     * @param manager where the arrays go
     * @param seed places of the squares
     * @param labels the classes
     * @return the batch
     */
    static Batch batch(NDManager manager, long seed, long... labels) {
        return batchWithSide(manager, seed, SIDE, labels);
    }

    static Batch batchWithSide(NDManager manager, long seed, int side, long... labels) {
        int n = labels.length;
        Random r = new Random(seed);
        float[] img = new float[n * C * H * W];
        float[] mask = new float[n * H * W];
        for (int b = 0; b < n; b++) {
            int k = (int) labels[b];
            int y0 = side >= H ? 0 : r.nextInt(H - side + 1);
            int x0 = side >= W ? 0 : r.nextInt(W - side + 1);
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    boolean in = y >= y0 && y < y0 + side && x >= x0 && x < x0 + side;
                    mask[b * H * W + y * W + x] = in ? 1f : 0f;
                    for (int c = 0; c < C; c++) {
                        img[((b * C + c) * H + y) * W + x] = in ? object(k)[c] : background(k)[c];
                    }
                }
            }
        }
        NDArray image = manager.create(img, new Shape(n, C, H, W));
        NDArray masks = manager.create(mask, new Shape(n, 1, H, W));
        return TestStep.batch(manager.create(labels), "image", image, "mask", masks);
    }

    /** The class whose background colour the pixel has, or −1. */
    static int backgroundClassOf(float[] rgb) {
        for (int k = 0; k < 8; k++) {
            float[] c = background(k);
            if (Math.abs(c[0] - rgb[0]) < 1e-5 && Math.abs(c[1] - rgb[1]) < 1e-5 && Math.abs(c[2] - rgb[2]) < 1e-5) {
                return k;
            }
        }
        return -1;
    }

    static DecoupledConfig config(double p, boolean interClass, String objectSource, String maskSource,
                                  String editor, String blend, int poolSize) {
        DecoupledConfig d = DecoupledConfig.defaults();
        return new DecoupledConfig(p, interClass, objectSource, maskSource, d.maskInput(), d.maskThreshold(),
                d.saliencyBlurFraction(), d.saliencyThreshold(), editor, d.editBrightness(), d.editContrast(),
                d.editSaturation(), d.editRotationDegrees(), d.editScale(), d.editTranslate(),
                d.editFlipProbability(), d.holeFill(), d.holeDilation(), d.fillIterations(), blend, d.featherSigma(),
                d.pyramidLevels(), poolSize, false, d.imageInput());
    }
}
