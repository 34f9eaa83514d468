package dev.perennial.deepfake.synthetic;

import dev.perennial.deepfake.video.VideoBlend;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Rendered "faces" with known manipulations, the CPU substitute for FF++ / DF40 frames (specs/deepfake.md §A.7,
 * §C.9): a background, a skin-toned ellipse, two eyes and a mouth whose colours, positions and sizes are the
 * identity. A fake is a self-blend of a real face with a {@link ForgeryType} manipulation of itself inside the face
 * mask, with a known strength s; its corresponding real frame (for FreDA) is the face before manipulation, and its
 * analytic static quality is q = 1 − s (subtle manipulations are realistic).
 *
 * <p>Every sample also carries the two faces it was made from, as DiffusionFake reconstructs them (spec Part D,
 * {@code datasets/ffpp_control.py}): a real frame's {@code source} and {@code target} are the frame itself; a
 * self-blend's are the face before manipulation (one identity); a face swap from
 * {@link #generateSwaps(int, int, double, double, String, long)} has the donor identity's face rendered in the same
 * pose as {@code source} and the background frame it was pasted into as {@code target}.
 */
public final class SyntheticFaces {
    /** Channels of every image. */
    public static final int CHANNELS = 3;

    private final int size;
    private final float[] mask;

    /**
     * A renderer of square images.
     *
     * @param size H = W, ≥ 16
     */
    public SyntheticFaces(int size) {
        if (size < 16) {
            throw new IllegalArgumentException("synthetic faces need a size >= 16; was " + size);
        }
        this.size = size;
        this.mask = VideoBlend.ellipseMask(size, size, 0.3, 0.38, 0.3);
    }

    /**
     * One sample.
     *
     * @param image the image, C·H·W in [0, 1]
     * @param real the corresponding real frame (the image itself for reals)
     * @param fake whether it is fake
     * @param type the manipulation, null for reals
     * @param strength s, 0 for reals
     * @param videoId the identity the frame was rendered from
     * @param source the face the forgery's inner face came from (reals and self-blends: the real frame)
     * @param target the frame the forgery was pasted into (reals and self-blends: the real frame)
     */
    public record Sample(float[] image, float[] real, boolean fake, ForgeryType type, double strength,
                         String videoId, float[] source, float[] target) {
        /**
         * A real frame or a self-blend: source and target are the real frame.
         *
         * @param image the image, C·H·W in [0, 1]
         * @param real the corresponding real frame (the image itself for reals)
         * @param fake whether it is fake
         * @param type the manipulation, null for reals
         * @param strength s, 0 for reals
         * @param videoId the identity the frame was rendered from
         */
        public Sample(float[] image, float[] real, boolean fake, ForgeryType type, double strength, String videoId) {
            this(image, real, fake, type, strength, videoId, real, real);
        }

        /**
         * The analytic static quality q = 1 − s.
         *
         * @return q in [0, 1]
         */
        public double staticQuality() {
            return 1 - strength;
        }
    }

    /**
     * Renders a real face of an identity with a small per-frame jitter.
     *
     * @param identity the identity's generator (consumed)
     * @param frame the frame's generator
     * @return C·H·W
     */
    private float[] render(double[] identity, SplittableRandom frame) {
        int plane = size * size;
        float[] img = new float[CHANNELS * plane];
        double jx = frame.nextDouble(-1, 1);
        double jy = frame.nextDouble(-1, 1);
        double cx = (size - 1) / 2.0 + jx;
        double cy = (size - 1) / 2.0 + jy;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double rx = (x - cx) / (0.3 * size);
                double ry = (y - cy) / (0.38 * size);
                boolean face = rx * rx + ry * ry <= 1;
                double eyeL = Math.hypot(x - (cx - identity[6] * size), y - (cy - identity[7] * size));
                double eyeR = Math.hypot(x - (cx + identity[6] * size), y - (cy - identity[7] * size));
                boolean eye = face && Math.min(eyeL, eyeR) <= identity[8] * size;
                boolean mouth = face && Math.abs(y - (cy + identity[9] * size)) <= 0.6
                        && Math.abs(x - cx) <= identity[10] * size;
                for (int c = 0; c < CHANNELS; c++) {
                    double v;
                    if (eye) {
                        v = 0.1;
                    } else if (mouth) {
                        v = c == 0 ? 0.6 : 0.2;
                    } else if (face) {
                        v = identity[c] * (1 - 0.15 * ry);
                    } else {
                        v = identity[3 + c] * (0.8 + 0.2 * y / (double) size);
                    }
                    img[c * plane + y * size + x] = (float) v;
                }
            }
        }
        return img;
    }

    private static double[] identity(SplittableRandom r) {
        return new double[] {
            r.nextDouble(0.55, 0.9), r.nextDouble(0.4, 0.7), r.nextDouble(0.3, 0.6), // skin
            r.nextDouble(0.1, 0.9), r.nextDouble(0.1, 0.9), r.nextDouble(0.1, 0.9), // background
            r.nextDouble(0.09, 0.14), r.nextDouble(0.08, 0.14), r.nextDouble(0.03, 0.06), // eyes
            r.nextDouble(0.12, 0.2), r.nextDouble(0.06, 0.12) // mouth
        };
    }

    /**
     * Renders a set: {@code videos} identities with {@code framesPerVideo} frames each, every frame real or
     * manipulated by one of {@code types} (chosen round-robin), fakes with probability {@code fakeFraction}.
     *
     * @param videos identities
     * @param framesPerVideo frames per identity
     * @param types manipulations to use for fakes
     * @param fakeFraction fraction of fakes
     * @param minStrength smallest strength s
     * @param prefix video-id prefix (keeps ids of different sets apart)
     * @param seed the seed
     * @return the samples
     */
    public List<Sample> generate(int videos, int framesPerVideo, List<ForgeryType> types, double fakeFraction,
                                 double minStrength, String prefix, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Sample> out = new ArrayList<>();
        int next = 0;
        for (int v = 0; v < videos; v++) {
            double[] id = identity(random);
            for (int f = 0; f < framesPerVideo; f++) {
                float[] real = render(id, random);
                if (types.isEmpty() || random.nextDouble() >= fakeFraction) {
                    out.add(new Sample(real, real, false, null, 0, prefix + "/" + v));
                    continue;
                }
                ForgeryType type = types.get(next++ % types.size());
                double s = random.nextDouble(minStrength, 1.0);
                float[] m = type.manipulate(real, CHANNELS, size, random);
                out.add(new Sample(VideoBlend.blend(real, m, mask, (float) s), real, true, type, s, prefix + "/" + v));
            }
        }
        return out;
    }

    /**
     * Renders a face-swap set with known source and target faces: {@code videos} target identities with
     * {@code framesPerVideo} frames each; with probability {@code fakeFraction} a frame is a swap, whose inner face
     * (the face mask) is the face of a fresh donor identity rendered in the same pose, blended in with strength s
     * uniform in [{@code minStrength}, 1). A swap's {@code type} is null, {@code real} and {@code target} are the
     * target frame, {@code source} is the donor's frame; a real frame is its own source and target.
     *
     * @param videos target identities
     * @param framesPerVideo frames per identity
     * @param fakeFraction fraction of swaps
     * @param minStrength smallest strength s
     * @param prefix video-id prefix
     * @param seed the seed
     * @return the samples
     */
    public List<Sample> generateSwaps(int videos, int framesPerVideo, double fakeFraction, double minStrength,
                                      String prefix, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Sample> out = new ArrayList<>();
        for (int v = 0; v < videos; v++) {
            double[] id = identity(random);
            for (int f = 0; f < framesPerVideo; f++) {
                long pose = random.nextLong();
                float[] target = render(id, new SplittableRandom(pose));
                if (random.nextDouble() >= fakeFraction) {
                    out.add(new Sample(target, target, false, null, 0, prefix + "/" + v));
                    continue;
                }
                float[] source = render(identity(random), new SplittableRandom(pose));
                double s = random.nextDouble(minStrength, 1.0);
                out.add(new Sample(VideoBlend.blend(target, source, mask, (float) s), target, true, null, s,
                        prefix + "/" + v, source, target));
            }
        }
        return out;
    }
}
