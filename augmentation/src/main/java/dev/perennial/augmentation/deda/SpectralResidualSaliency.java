package dev.perennial.augmentation.deda;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.perennial.augmentation.DiscreteFourierTransform2d;
import dev.perennial.augmentation.GaussianBlur;
import dev.perennial.augmentation.ImageShape;
import dev.perennial.models.nn.Owned;
import dev.perennial.spi.Batch;
import dev.perennial.spi.StepContext;

/**
 * The built-in mask provider for datasets without masks ({@code saliency}): spectral-residual saliency (Hou and
 * Zhang, "Saliency Detection: A Spectral Residual Approach", CVPR 2007), one of the CPU substitutes the spec
 * lists for SAM (§8).
 *
 * <pre>
 * g      = grey image (mean of the channels)
 * A(f)   = log |FFT2(g)|,  P(f) = arg FFT2(g)
 * R(f)   = A(f) − (h₃ * A)(f)                       h₃ = 3×3 mean filter (the "spectral residual")
 * S(x)   = G_σ * |iFFT2(exp(R(f) + i·P(f)))|²         σ = blurFraction · min(H, W)
 * mask   = 1 where S(x) > threshold · mean(S), else 0  (the paper's object map uses threshold 3)
 * </pre>
 *
 * The paper works on 64-pixel-wide images with σ = 8 (a blur of 1/8 of the width), which the defaults keep as a
 * fraction; the transform here runs at the image's own size.
 */
public final class SpectralResidualSaliency implements MaskProvider {

    private final double blurFraction;
    private final double threshold;

    /**
     * Makes the provider.
     *
     * @param blurFraction σ of the saliency blur as a fraction of min(H, W)
     * @param threshold the object threshold as a multiple of the mean saliency
     */
    public SpectralResidualSaliency(double blurFraction, double threshold) {
        this.blurFraction = blurFraction;
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return "saliency";
    }

    @Override
    public NDArray masks(Batch batch, NDArray images, StepContext step) {
        ImageShape s = ImageShape.of(images, "de-da", "image");
        float[] all = images.toFloatArray();
        float[] masks = new float[s.batch() * s.planeSize()];
        float[] one = new float[s.imageSize()];
        for (int b = 0; b < s.batch(); b++) {
            System.arraycopy(all, b * s.imageSize(), one, 0, s.imageSize());
            float[] m = mask(one, s.channels(), s.height(), s.width());
            System.arraycopy(m, 0, masks, b * s.planeSize(), s.planeSize());
        }
        return Owned.floats(step.manager(), masks, new Shape(s.batch(), 1, s.height(), s.width()));
    }

    /**
     * The saliency map of one image, normalised to a maximum of 1.
     *
     * @param image C·H·W values
     * @param channels C
     * @param height H
     * @param width W
     * @return H·W values in [0, 1]
     */
    public float[] saliency(float[] image, int channels, int height, int width) {
        int n = height * width;
        double[] re = new double[n];
        double[] im = new double[n];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < n; i++) {
                re[i] += image[c * n + i] / (double) channels;
            }
        }
        DiscreteFourierTransform2d.forward(re, im, height, width);
        double[] logAmp = new double[n];
        double[] phase = new double[n];
        for (int i = 0; i < n; i++) {
            // A tiny floor keeps log finite on exactly zero coefficients (e.g. a constant image).
            logAmp[i] = Math.log(Math.hypot(re[i], im[i]) + 1e-12);
            phase[i] = Math.atan2(im[i], re[i]);
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double mean = 0;
                int count = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int yy = Math.min(height - 1, Math.max(0, y + dy));
                        int xx = Math.min(width - 1, Math.max(0, x + dx));
                        mean += logAmp[yy * width + xx];
                        count++;
                    }
                }
                int i = y * width + x;
                double residual = logAmp[i] - mean / count;
                double mag = Math.exp(residual);
                re[i] = mag * Math.cos(phase[i]);
                im[i] = mag * Math.sin(phase[i]);
            }
        }
        DiscreteFourierTransform2d.inverse(re, im, height, width);
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = (float) (re[i] * re[i] + im[i] * im[i]);
        }
        s = GaussianBlur.blur(s, height, width, blurFraction * Math.min(height, width));
        float max = 0;
        for (float v : s) {
            max = Math.max(max, v);
        }
        if (max > 0) {
            for (int i = 0; i < n; i++) {
                s[i] /= max;
            }
        }
        return s;
    }

    /**
     * The binary object mask of one image.
     *
     * @param image C·H·W values
     * @param channels C
     * @param height H
     * @param width W
     * @return H·W values, 1 on the salient object
     */
    public float[] mask(float[] image, int channels, int height, int width) {
        float[] s = saliency(image, channels, height, width);
        double mean = 0;
        for (float v : s) {
            mean += v;
        }
        mean /= s.length;
        float[] m = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            m[i] = s[i] > threshold * mean ? 1f : 0f;
        }
        return m;
    }
}
