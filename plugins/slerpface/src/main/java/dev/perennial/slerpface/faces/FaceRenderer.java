package dev.perennial.slerpface.faces;

import java.util.Random;

/**
 * Renders generated faces (no download, no real person): an identity is a set of shape and colour parameters
 * (head shape, eye distance and size, nose, mouth, skin tone, hair colour and line); each image of it adds
 * nuisance (pose shift and yaw, lighting gradient, expression, pixel noise). Every image is a pure function of
 * (seed, identity, image).
 *
 * <p>What it is for: a recogniser can learn identities from these images, so the trained SlerpFace pipeline
 * (extraction, protection, matching) runs end to end offline. What it is not: a face benchmark; the identity
 * variation is low-dimensional and the nuisance simple, so accuracies do not transfer to LFW-style data.
 *
 * @param size image side in pixels (square), at least 16
 * @param seed the seed
 */
public record FaceRenderer(int size, long seed) {

    /** Validates the size. */
    public FaceRenderer {
        if (size < 16 || size > 1024) {
            throw new IllegalArgumentException("generated faces: size must be in 16..1024 pixels, was " + size);
        }
    }

    /** The identity's fixed parameters, in units of the image side. */
    private record Identity(double headRx, double headRy, double eyeDistance, double eyeRadius, double eyeHeight,
                            double noseLength, double noseWidth, double mouthWidth, double mouthHeight,
                            float[] skin, float[] hair, float[] iris, double hairLine, float[] background) {}

    private Identity identity(int id) {
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + id * 0xC2B2AE3D27D4EB4FL + 1);
        float tone = (float) (0.35 + 0.55 * r.nextDouble());
        float[] skin = {tone, (float) (tone * (0.7 + 0.2 * r.nextDouble())), (float) (tone * (0.5 + 0.25 * r.nextDouble()))};
        float[] hair = {(float) (0.6 * r.nextDouble()), (float) (0.45 * r.nextDouble()), (float) (0.3 * r.nextDouble())};
        float[] iris = {(float) (0.4 * r.nextDouble()), (float) (0.2 + 0.4 * r.nextDouble()), (float) (0.5 * r.nextDouble())};
        float[] background = {(float) r.nextDouble(), (float) r.nextDouble(), (float) r.nextDouble()};
        return new Identity(0.26 + 0.1 * r.nextDouble(), 0.33 + 0.1 * r.nextDouble(), 0.16 + 0.12 * r.nextDouble(),
                0.03 + 0.03 * r.nextDouble(), -0.08 + 0.08 * r.nextDouble(), 0.1 + 0.1 * r.nextDouble(),
                0.03 + 0.04 * r.nextDouble(), 0.08 + 0.1 * r.nextDouble(), 0.17 + 0.08 * r.nextDouble(), skin, hair,
                iris, -0.55 + 0.35 * r.nextDouble(), background);
    }

    /**
     * Renders one image.
     *
     * @param id the identity
     * @param image the image of that identity
     * @return {@code 3 × size × size} values in [0, 1], channel-major (CHW)
     */
    public float[] render(int id, int image) {
        Identity p = identity(id);
        Random r = nuisanceRandom(id, image);
        Nuisance q = Nuisance.draw(r);
        double shiftX = q.shiftX();
        double shiftY = q.shiftY();
        double yaw = q.yaw();
        double lightAngle = q.lightAngle();
        double lightStrength = q.lightStrength();
        double smile = q.smile();
        double noise = q.noise();
        int n = size;
        float[] out = new float[3 * n * n];
        for (int yi = 0; yi < n; yi++) {
            for (int xi = 0; xi < n; xi++) {
                // coordinates relative to the head centre, in image-side units
                double x = (xi + 0.5) / n - 0.5 - shiftX;
                double y = (yi + 0.5) / n - 0.5 - shiftY;
                double u = x / p.headRx();
                double v = y / p.headRy();
                double head = u * u + v * v;
                float[] colour = p.background();
                double hairU = x / (p.headRx() * 1.12);
                double hairV = y / (p.headRy() * 1.12);
                if (hairU * hairU + hairV * hairV < 1 && v < p.hairLine() + 0.3 * u * u) {
                    colour = p.hair();
                } else if (head < 1) {
                    colour = p.skin();
                    double fx = x - yaw;
                    for (int side = -1; side <= 1; side += 2) {
                        double ex = fx - side * p.eyeDistance() / 2;
                        double ey = y - p.eyeHeight();
                        double d2 = ex * ex + ey * ey;
                        if (d2 < p.eyeRadius() * p.eyeRadius()) {
                            colour = d2 < 0.3 * p.eyeRadius() * p.eyeRadius() ? new float[] {0.05f, 0.05f, 0.05f}
                                    : p.iris();
                        }
                    }
                    double noseTop = p.eyeHeight() + 0.02;
                    double t = (y - noseTop) / p.noseLength();
                    if (t >= 0 && t <= 1 && Math.abs(fx) < p.noseWidth() * t) {
                        colour = scale(p.skin(), 0.78f);
                    }
                    double mx = fx / p.mouthWidth();
                    double mouthY = p.mouthHeight() - smile * (1 - mx * mx);
                    if (Math.abs(mx) < 1 && Math.abs(y - mouthY) < 0.018 + Math.max(0, -smile) * 0.3) {
                        colour = new float[] {0.6f, 0.15f, 0.2f};
                    }
                }
                double light = 1 + lightStrength * (Math.cos(lightAngle) * x + Math.sin(lightAngle) * y) * 2;
                for (int c = 0; c < 3; c++) {
                    double value = colour[c] * light + noise * r.nextGaussian();
                    out[c * n * n + yi * n + xi] = (float) Math.max(0, Math.min(1, value));
                }
            }
        }
        return out;
    }

    /** The number of values in {@link #attributes}. */
    public static final int ATTRIBUTES = 7;

    /**
     * The ground-truth nuisance ("attribute") parameters of one image, each scaled to about unit spread: pose
     * (x and y shift, yaw), illumination (the lighting gradient as strength·(cos, sin) of its angle), expression
     * (smile) and sensor noise. They are identity-irrelevant by construction (drawn from the image's own stream),
     * which is what ID³'s attribute predictors are for (spec deepfake.md E.8).
     *
     * @param id the identity
     * @param image the image of that identity
     * @return {@value #ATTRIBUTES} values: shiftX/0.05, shiftY/0.04, yaw/0.04, 4·s·cos φ, 4·s·sin φ, smile/0.06,
     *     (noise − 0.035)/0.015
     */
    public float[] attributes(int id, int image) {
        Nuisance q = Nuisance.draw(nuisanceRandom(id, image));
        return new float[] {(float) (q.shiftX() / 0.05), (float) (q.shiftY() / 0.04), (float) (q.yaw() / 0.04),
            (float) (4 * q.lightStrength() * Math.cos(q.lightAngle())),
            (float) (4 * q.lightStrength() * Math.sin(q.lightAngle())), (float) (q.smile() / 0.06),
            (float) ((q.noise() - 0.035) / 0.015)};
    }

    private Random nuisanceRandom(int id, int image) {
        return new Random((seed * 31 + id) * 0xBF58476D1CE4E5B9L + image * 0x94D049BB133111EBL + 7);
    }

    /** The per-image nuisance, drawn first from the image's stream (the pixel noise follows in the same stream). */
    private record Nuisance(double shiftX, double shiftY, double yaw, double lightAngle, double lightStrength,
                            double smile, double noise) {
        static Nuisance draw(Random r) {
            double shiftX = 0.05 * r.nextGaussian();
            double shiftY = 0.04 * r.nextGaussian();
            double yaw = 0.04 * r.nextGaussian();
            double lightAngle = 2 * Math.PI * r.nextDouble();
            double lightStrength = 0.25 * r.nextDouble();
            double smile = 0.06 * r.nextGaussian();
            double noise = 0.02 + 0.03 * r.nextDouble();
            return new Nuisance(shiftX, shiftY, yaw, lightAngle, lightStrength, smile, noise);
        }
    }

    private static float[] scale(float[] c, float f) {
        return new float[] {c[0] * f, c[1] * f, c[2] * f};
    }
}
