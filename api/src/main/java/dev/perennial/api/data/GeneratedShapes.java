package dev.perennial.api.data;

import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A procedurally generated, labelled image data set that needs no download: each class is a shape or texture
 * (disk, ring, square, triangle, plus, horizontal stripes, vertical stripes, X, checkerboard, L),
 * drawn at a random position, scale (half-extent 24–38 % of the image side) and rotation (±20°), in a random
 * foreground brightness (or colour) on a random darker background, with Gaussian pixel noise.
 *
 * <p>Because scale and brightness vary within every class and the classes' areas differ by less than that
 * variation, the mean intensity alone does not separate the classes; their shapes do, and a small CNN learns them
 * to high accuracy within a few epochs.
 *
 * <p>Every image is a pure function of (seed, split, index), rendered on demand: nothing is held in memory, the
 * data set is the same on every machine, and reading is safe from several threads. Example {@code i} of a split
 * has class {@code i % classes}; ids are the training index, and {@code trainSize + index} for test examples.
 */
public final class GeneratedShapes implements DatasetSource {
    /** The number of distinct shapes, hence the most classes. */
    public static final int MAX_CLASSES = 10;

    /** The class names, indexed by class id. */
    public static final List<String> SHAPE_NAMES = List.of("disk", "ring", "square", "triangle", "plus",
            "horizontal-stripes", "vertical-stripes", "x-cross", "checkerboard", "l-shape");

    private static final long TRAIN_STREAM = 0x5851F42D4C957F2DL;
    private static final long TEST_STREAM = 0x14057B7EF767814FL;
    /** Sub-pixel samples per axis, for anti-aliased edges. */
    private static final int SUPERSAMPLE = 2;

    private final GeneratedShapesConfig config;
    private final List<String> classNames;
    private final DecodingSplit train;
    private final DecodingSplit test;

    /**
     * Creates the data set (renders nothing yet).
     *
     * @param config the configuration
     */
    public GeneratedShapes(GeneratedShapesConfig config) {
        this.config = config;
        this.classNames = SHAPE_NAMES.subList(0, config.classes());
        int trainSize = config.classes() * config.trainPerClass();
        int testSize = config.classes() * config.testPerClass();
        this.train = new DecodingSplit(interleavedLabels(trainSize, config.classes()), classNames,
                i -> Example.labelledImage(i, i % config.classes(), render(TRAIN_STREAM, i)));
        this.test = new DecodingSplit(interleavedLabels(testSize, config.classes()), classNames,
                i -> Example.labelledImage(trainSize + (long) i, i % config.classes(), render(TEST_STREAM, i)));
    }

    /**
     * The data set with the default configuration and another seed.
     *
     * @param seed the seed
     * @return the data set
     */
    public static GeneratedShapes withSeed(long seed) {
        GeneratedShapesConfig d = GeneratedShapesConfig.defaults();
        return new GeneratedShapes(new GeneratedShapesConfig(seed, d.classes(), d.channels(), d.size(),
                d.trainPerClass(), d.testPerClass(), d.noise()));
    }

    @Override
    public DatasetSplit train() {
        return train;
    }

    @Override
    public DatasetSplit test() {
        return test;
    }

    @Override
    public String describe() {
        return "generated-shapes seed=" + config.seed() + " (" + config.classes() + " classes, " + train.size()
                + " train, " + test.size() + " test, " + config.channels() + "x" + config.size() + "x" + config.size()
                + ", noise " + config.noise() + ")";
    }

    /**
     * The configuration.
     *
     * @return the configuration
     */
    public GeneratedShapesConfig config() {
        return config;
    }

    private static int[] interleavedLabels(int n, int classes) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
        }
        return labels;
    }

    /** The SplitMix64 / MurmurHash3 finaliser: spreads (seed, stream, index) over all 64 bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }

    private Feature.Floats render(long stream, int index) {
        SplittableRandom random = new SplittableRandom(mix(mix(config.seed() ^ stream) + index));
        int shape = index % config.classes();
        int size = config.size();
        int channels = config.channels();
        double radius = size * (0.24 + 0.14 * random.nextDouble());
        double margin = radius * 0.9 + 0.5;
        double cx = margin + (size - 2 * margin) * random.nextDouble();
        double cy = margin + (size - 2 * margin) * random.nextDouble();
        double angle = (random.nextDouble() - 0.5) * 0.7;
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        float[] foreground = new float[channels];
        float[] background = new float[channels];
        if (channels == 1) {
            foreground[0] = (float) (0.55 + 0.45 * random.nextDouble());
            background[0] = (float) (0.35 * random.nextDouble());
        } else {
            hsvToRgb(random.nextDouble(), 0.5 + 0.5 * random.nextDouble(), 0.6 + 0.4 * random.nextDouble(),
                    foreground);
            hsvToRgb(random.nextDouble(), 0.6 * random.nextDouble(), 0.35 * random.nextDouble(), background);
        }
        int plane = size * size;
        float[] values = new float[channels * plane];
        double step = 1.0 / SUPERSAMPLE;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int hits = 0;
                for (int sy = 0; sy < SUPERSAMPLE; sy++) {
                    for (int sx = 0; sx < SUPERSAMPLE; sx++) {
                        double dx = (x + (sx + 0.5) * step - cx) / radius;
                        double dy = (y + (sy + 0.5) * step - cy) / radius;
                        double u = cos * dx + sin * dy;
                        double v = -sin * dx + cos * dy;
                        if (inside(shape, u, v)) {
                            hits++;
                        }
                    }
                }
                float coverage = hits / (float) (SUPERSAMPLE * SUPERSAMPLE);
                for (int c = 0; c < channels; c++) {
                    double value = background[c] + coverage * (foreground[c] - background[c])
                            + config.noise() * random.nextGaussian();
                    values[c * plane + y * size + x] = (float) Math.min(1.0, Math.max(0.0, value));
                }
            }
        }
        return new Feature.Floats(values, new long[] {channels, size, size});
    }

    /** Whether the point (u, v), in units of the shape's half-extent, lies on shape {@code shape}. */
    private static boolean inside(int shape, double u, double v) {
        double r2 = u * u + v * v;
        double box = Math.max(Math.abs(u), Math.abs(v));
        return switch (shape) {
            case 0 -> r2 < 0.81;
            case 1 -> r2 > 0.30 && r2 < 0.81;
            case 2 -> box < 0.8;
            case 3 -> v >= -0.8 && v <= 0.8 && Math.abs(u) <= 0.9 * (v + 0.8) / 1.6;
            case 4 -> (Math.abs(u) < 0.25 && Math.abs(v) < 0.9) || (Math.abs(v) < 0.25 && Math.abs(u) < 0.9);
            case 5 -> box < 0.85 && Math.floorMod((int) Math.floor((v + 0.85) / 0.34), 2) == 0;
            case 6 -> box < 0.85 && Math.floorMod((int) Math.floor((u + 0.85) / 0.34), 2) == 0;
            case 7 -> box < 0.85 && (Math.abs(u - v) < 0.3 || Math.abs(u + v) < 0.3);
            case 8 -> box < 0.85 && Math.floorMod((int) Math.floor((u + 0.85) / 0.425)
                    + (int) Math.floor((v + 0.85) / 0.425), 2) == 0;
            // An L: a vertical bar on the left joined to a horizontal bar at the bottom.
            case 9 -> box < 0.85 && (u < -0.3 || v > 0.3);
            default -> throw new IllegalStateException("no shape " + shape);
        };
    }

    private static void hsvToRgb(double h, double s, double v, float[] rgb) {
        double c = v * s;
        double hp = h * 6;
        double x = c * (1 - Math.abs(hp % 2 - 1));
        double r;
        double g;
        double b;
        switch ((int) hp) {
            case 0 -> { r = c; g = x; b = 0; }
            case 1 -> { r = x; g = c; b = 0; }
            case 2 -> { r = 0; g = c; b = x; }
            case 3 -> { r = 0; g = x; b = c; }
            case 4 -> { r = x; g = 0; b = c; }
            default -> { r = c; g = 0; b = x; }
        }
        double m = v - c;
        rgb[0] = (float) (r + m);
        rgb[1] = (float) (g + m);
        rgb[2] = (float) (b + m);
    }
}
