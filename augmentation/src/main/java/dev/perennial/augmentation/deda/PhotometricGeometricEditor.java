package dev.perennial.augmentation.deda;

import java.util.SplittableRandom;

/**
 * The default CDP editor ({@code photometric-geometric}), the spec's CPU substitute for the diffusion editor
 * (§8: "colour jitter, small affine transforms"): a random brightness, contrast and saturation change of the
 * object's pixels, then one random similarity transform (rotation, scale, translation, optional mirror) about the
 * object's alpha-weighted centre of mass, applied to the RGB and the alpha with the same bilinear resampling so
 * the mask stays aligned. Pixels sampled from outside the image get alpha 0.
 */
public final class PhotometricGeometricEditor implements ObjectEditor {

    private final EditStrength strength;

    /**
     * Makes the editor.
     *
     * @param strength the bounds of every change
     */
    public PhotometricGeometricEditor(EditStrength strength) {
        this.strength = strength;
    }

    @Override
    public String name() {
        return "photometric-geometric";
    }

    @Override
    public ObjectLayer edit(ObjectLayer object, SplittableRandom random) {
        ObjectLayer out = object.copy();
        photometric(out, random);
        return geometric(out, random);
    }

    private static double uniform(SplittableRandom random, double halfWidth) {
        return halfWidth == 0 ? 0 : (2 * random.nextDouble() - 1) * halfWidth;
    }

    private void photometric(ObjectLayer o, SplittableRandom random) {
        double b = 1 + uniform(random, strength.brightness());
        double c = 1 + uniform(random, strength.contrast());
        double s = 1 + uniform(random, strength.saturation());
        int plane = o.height() * o.width();
        float[] rgb = o.rgb();
        float[] a = o.alpha();
        double weight = 0;
        double mean = 0;
        for (int ch = 0; ch < o.channels(); ch++) {
            for (int i = 0; i < plane; i++) {
                mean += a[i] * rgb[ch * plane + i];
                weight += a[i];
            }
        }
        mean = weight > 0 ? mean / weight : 0;
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (float) (mean + c * (b * rgb[i] - mean));
        }
        if (o.channels() == 3 && s != 1) {
            for (int i = 0; i < plane; i++) {
                double grey = 0.299 * rgb[i] + 0.587 * rgb[plane + i] + 0.114 * rgb[2 * plane + i];
                for (int ch = 0; ch < 3; ch++) {
                    rgb[ch * plane + i] = (float) (grey + s * (rgb[ch * plane + i] - grey));
                }
            }
        }
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = Math.min(1f, Math.max(0f, rgb[i]));
        }
    }

    private ObjectLayer geometric(ObjectLayer o, SplittableRandom random) {
        double angle = Math.toRadians(uniform(random, strength.rotationDegrees()));
        double scale = 1 + uniform(random, strength.scale());
        double ty = uniform(random, strength.translate()) * o.height();
        double tx = uniform(random, strength.translate()) * o.width();
        boolean flip = strength.flipProbability() > 0 && random.nextDouble() < strength.flipProbability();
        if (angle == 0 && scale == 1 && ty == 0 && tx == 0 && !flip) {
            return o;
        }
        int h = o.height();
        int w = o.width();
        float[] a = o.alpha();
        double cy = 0;
        double cx = 0;
        double mass = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = a[y * w + x];
                cy += v * y;
                cx += v * x;
                mass += v;
            }
        }
        if (mass == 0) {
            return o;
        }
        cy /= mass;
        cx /= mass;
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        float[] rgb = new float[o.rgb().length];
        float[] alpha = new float[a.length];
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // Inverse map: output p = c + t + s·R·(F(q − c)); q = c + F(Rᵀ(p − c − t)/s), F = mirror in x.
                double dy = y - cy - ty;
                double dx = x - cx - tx;
                double sy = (-sin * dx + cos * dy) / scale;
                double sx = (cos * dx + sin * dy) / scale;
                if (flip) {
                    sx = -sx;
                }
                double qy = cy + sy;
                double qx = cx + sx;
                int idx = y * w + x;
                alpha[idx] = bilinear(a, 0, h, w, qy, qx);
                for (int ch = 0; ch < o.channels(); ch++) {
                    rgb[ch * plane + idx] = bilinear(o.rgb(), ch * plane, h, w, qy, qx);
                }
            }
        }
        return new ObjectLayer(rgb, alpha, o.channels(), h, w);
    }

    /** Bilinear sample with zero outside the image. */
    static float bilinear(float[] src, int offset, int h, int w, double y, double x) {
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        double fy = y - y0;
        double fx = x - x0;
        double v = 0;
        v += (1 - fy) * (1 - fx) * at(src, offset, h, w, y0, x0);
        v += (1 - fy) * fx * at(src, offset, h, w, y0, x0 + 1);
        v += fy * (1 - fx) * at(src, offset, h, w, y0 + 1, x0);
        v += fy * fx * at(src, offset, h, w, y0 + 1, x0 + 1);
        return (float) v;
    }

    private static float at(float[] src, int offset, int h, int w, int y, int x) {
        return y < 0 || y >= h || x < 0 || x >= w ? 0f : src[offset + y * w + x];
    }
}
