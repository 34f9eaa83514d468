package dev.perennial.api.data;

import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import dev.perennial.spi.Scenario;
import dev.perennial.spi.Task;
import dev.perennial.spi.TaskInfo;
import dev.perennial.spi.TaskSplitter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Cuts a labelled image data set into a domain-incremental scenario: every task holds every example and every class
 * of the data set, and task t transforms the {@code image} feature (C×H×W) of every example, training and test
 * alike: a fixed pixel permutation per task (permuted MNIST, Goodfellow et al. 2013; Kirkpatrick et al. 2017) or a
 * rotation by t × angleStep degrees (rotated MNIST, Lopez-Paz and Ranzato 2017). Labels are unchanged, so a single
 * head over the data set's classes serves every task. Example ids are offset by t·2⁴⁰ so that the same image in two
 * domains has two ids.
 */
public final class DomainIncrementalSplitter implements TaskSplitter {
    /** The offset between the example ids of consecutive tasks. */
    static final long ID_STRIDE = 1L << 40;
    private final DomainIncrementalConfig config;

    /**
     * Creates the splitter.
     *
     * @param config the configuration
     */
    public DomainIncrementalSplitter(DomainIncrementalConfig config) {
        this.config = config;
    }

    @Override
    public Scenario split(DatasetSource source) {
        DatasetSplit train = source.train();
        DatasetSplit test = source.test();
        List<String> classNames = train.classNames();
        if (classNames.isEmpty() || train.size() == 0) {
            throw new IllegalArgumentException("domain-incremental: data set " + source.describe()
                    + " has no labelled training examples");
        }
        Feature image = train.get(0).features().get("image");
        if (!(image instanceof Feature.Floats f) || f.shape().length != 3) {
            throw new IllegalArgumentException("domain-incremental: data set " + source.describe()
                    + " needs a float 'image' feature of shape C×H×W; its examples have "
                    + train.get(0).features().keySet());
        }
        long[] shape = f.shape();
        int[] all = IntStream.range(0, classNames.size()).toArray();
        List<Task> tasks = new ArrayList<>();
        for (int t = 0; t < config.tasks(); t++) {
            ImageTransform transform = transform(t, shape);
            String name = String.format(Locale.ROOT, "task-%d (%s)", t, transform.name());
            TaskInfo info = new TaskInfo(t, name, all, train.size(), test.size());
            tasks.add(new Task(info, new TransformedSplit(train, transform, t * ID_STRIDE),
                    new TransformedSplit(test, transform, t * ID_STRIDE)));
        }
        Map<String, long[]> shapes = new LinkedHashMap<>();
        train.get(0).features().forEach((k, v) -> shapes.put(k, v.shape()));
        String scenarioName = "domain-incremental " + config.tasks() + " × " + config.transform()
                + ("rotate".equals(config.transform()) ? " step " + config.angleStep() + "°" : " seed " + config.seed());
        return new Scenario(scenarioName, classNames, tasks, shapes);
    }

    /**
     * The transform of task t.
     *
     * @param t the task
     * @param shape the image shape C×H×W
     * @return the transform
     */
    ImageTransform transform(int t, long[] shape) {
        int h = (int) shape[1];
        int w = (int) shape[2];
        if ("rotate".equals(config.transform())) {
            return ImageTransform.rotation(t * config.angleStep(), h, w);
        }
        int[] perm = IntStream.range(0, h * w).toArray();
        Random r = new Random(config.seed() + t);
        for (int i = perm.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int x = perm[i];
            perm[i] = perm[j];
            perm[j] = x;
        }
        return ImageTransform.permutation(perm, "permutation " + t);
    }

    /** A per-pixel-position map of one task, applied to every channel. */
    record ImageTransform(String name, int[][] sources, float[][] weights) {
        /** Output pixel p = Σ_k weights[p][k] · input[sources[p][k]] (per channel). */
        float[] apply(float[] image, int channels) {
            int plane = sources.length;
            float[] out = new float[image.length];
            for (int c = 0; c < channels; c++) {
                int base = c * plane;
                for (int p = 0; p < plane; p++) {
                    float v = 0;
                    for (int k = 0; k < sources[p].length; k++) {
                        v += weights[p][k] * image[base + sources[p][k]];
                    }
                    out[base + p] = v;
                }
            }
            return out;
        }

        static ImageTransform permutation(int[] perm, String name) {
            int[][] s = new int[perm.length][];
            float[][] w = new float[perm.length][];
            for (int p = 0; p < perm.length; p++) {
                s[p] = new int[] {perm[p]};
                w[p] = new float[] {1f};
            }
            return new ImageTransform(name, s, w);
        }

        /** Rotation by {@code degrees} about the centre ((H−1)/2, (W−1)/2), bilinear, zero outside. */
        static ImageTransform rotation(double degrees, int h, int w) {
            double a = Math.toRadians(degrees);
            double cos = Math.cos(a);
            double sin = Math.sin(a);
            double cy = (h - 1) / 2.0;
            double cx = (w - 1) / 2.0;
            int[][] s = new int[h * w][];
            float[][] wt = new float[h * w][];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    // inverse map: the source of output (y, x) is the output position rotated back by −θ
                    double dy = y - cy;
                    double dx = x - cx;
                    double sy = cos * dy - sin * dx + cy;
                    double sx = sin * dy + cos * dx + cx;
                    // snap coordinates within 1e-9 of an integer (exact quarter turns)
                    sy = Math.abs(sy - Math.rint(sy)) < 1e-9 ? Math.rint(sy) : sy;
                    sx = Math.abs(sx - Math.rint(sx)) < 1e-9 ? Math.rint(sx) : sx;
                    int y0 = (int) Math.floor(sy);
                    int x0 = (int) Math.floor(sx);
                    double fy = sy - y0;
                    double fx = sx - x0;
                    List<Integer> src = new ArrayList<>(4);
                    List<Float> wts = new ArrayList<>(4);
                    double[][] corners = {{y0, x0, (1 - fy) * (1 - fx)}, {y0, x0 + 1, (1 - fy) * fx},
                            {y0 + 1, x0, fy * (1 - fx)}, {y0 + 1, x0 + 1, fy * fx}};
                    for (double[] c : corners) {
                        int yy = (int) c[0];
                        int xx = (int) c[1];
                        if (c[2] > 0 && yy >= 0 && yy < h && xx >= 0 && xx < w) {
                            src.add(yy * w + xx);
                            wts.add((float) c[2]);
                        }
                    }
                    s[y * w + x] = src.stream().mapToInt(Integer::intValue).toArray();
                    float[] fw = new float[wts.size()];
                    for (int k = 0; k < fw.length; k++) {
                        fw[k] = wts.get(k);
                    }
                    wt[y * w + x] = fw;
                }
            }
            return new ImageTransform(String.format(Locale.ROOT, "rotation %.4g°", degrees), s, wt);
        }
    }

    /** A data set split whose images pass through one task's transform, with offset ids. */
    static final class TransformedSplit implements DatasetSplit {
        private final DatasetSplit base;
        private final ImageTransform transform;
        private final long idOffset;

        TransformedSplit(DatasetSplit base, ImageTransform transform, long idOffset) {
            this.base = base;
            this.transform = transform;
            this.idOffset = idOffset;
        }

        @Override
        public int size() {
            return base.size();
        }

        @Override
        public int[] labels() {
            return base.labels();
        }

        @Override
        public Example get(int index) {
            Example e = base.get(index);
            Map<String, Feature> features = new LinkedHashMap<>(e.features());
            if (!(features.get("image") instanceof Feature.Floats img) || img.shape().length != 3) {
                throw new IllegalArgumentException("domain-incremental: example " + index + " has no float 'image'"
                        + " feature of shape C×H×W");
            }
            features.put("image", new Feature.Floats(transform.apply(img.values(), (int) img.shape()[0]),
                    img.shape()));
            return new Example(e.id() + idOffset, e.label(), features, e.texts());
        }

        @Override
        public List<String> classNames() {
            return base.classNames();
        }
    }
}
