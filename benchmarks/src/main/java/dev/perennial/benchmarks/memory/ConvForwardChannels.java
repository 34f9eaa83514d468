package dev.perennial.benchmarks.memory;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.models.nn.ChannelPaddedConvolution;
import dev.perennial.models.nn.ConvolutionProbe;
import dev.perennial.models.nn.Owned;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Whether libtorch's CPU 2-D convolution (DJL's {@code Conv2d.conv2d}) computes the right forward pass and input and
 * weight gradients, per oneDNN instruction-set ceiling ({@code ONEDNN_MAX_CPU_ISA}), input-channel count (1..48),
 * kernel (1×1, 3×3 with padding 1), stride (1, 2), batch (1, 3) and intra-op threads (1, 2), against the definition of
 * cross-correlation summed in double in plain Java:
 * {@code out[b,o,y,x] = Σ_{c,i,j} w[o,c,i,j] · x[b,c,y·s+i−p,x·s+j−p]}, and for the loss {@code Σ out · u} the
 * gradients {@code ∂x} and {@code ∂w} from the same sum. oneDNN reads the variable once per process, so each ceiling
 * runs in its own child JVM. A shape is wrong when an error exceeds 1e-3 of max(1, the reference's largest
 * magnitude).
 *
 * <p>Usage: {@code bin/benchmark memory.ConvForwardChannels [json=benchmarks/results/conv-forward-channels.json]
 * [isas=ALL,AVX512_CORE,AVX2,AVX,SSE41] [path=plain|padded|depthwise]} (ALL runs with the variable unset; padded:
 * through {@code models.nn.ChannelPaddedConvolution}; depthwise: DJL's convolution with one group per input channel
 * and as many output channels, MobileNetV2's depthwise layers, which {@code ChannelPaddedConvolution} leaves alone).
 */
public final class ConvForwardChannels {
    private static final int MAX_CHANNELS = 48;
    private static final int[] OUT_CHANNELS = {8, 13};
    private static final int[] KERNELS = {1, 3};
    private static final int[] STRIDES = {1, 2};
    private static final int[] THREADS = {1, 2};
    private static final int[] BATCHES = {1, 3};
    private static final int SIDE = 8;

    private ConvForwardChannels() {}

    /**
     * Entry point; {@code --child <rows.json>} runs the sweep in this JVM and writes its rows.
     *
     * @param args JSON output path and the comma-separated ceilings, or the child's arguments
     * @throws Exception when a child fails or the JSON cannot be written
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("--child")) {
            List<Map<String, Object>> rows = sweep(args[2]);
            new ObjectMapper().writeValue(Path.of(args[1]).toFile(), rows);
            return;
        }
        Path json = Path.of(args.length > 0 ? args[0] : "benchmarks/results/conv-forward-channels.json");
        List<String> isas = List.of((args.length > 1 ? args[1] : "ALL,AVX512_CORE,AVX2,AVX,SSE41").split(","));
        String path = args.length > 2 ? args[2] : "plain";
        if (!path.equals("plain") && !path.equals("padded") && !path.equals("depthwise")) {
            throw new IllegalArgumentException(
                    "ConvForwardChannels: the third argument (path) must be plain, padded or depthwise, got " + path);
        }
        System.out.println("path: " + switch (path) {
            case "plain" -> "DJL's Conv2d.conv2d";
            case "padded" -> "models.nn.ChannelPaddedConvolution (input channels zero-padded to a multiple of 8)";
            default -> "DJL's Conv2d.conv2d, depthwise (groups = input channels = output channels)";
        });
        System.out.println("cpu: " + cpuModel() + "; shapes: input channels 1.." + MAX_CHANNELS + ", output channels "
                + java.util.Arrays.toString(OUT_CHANNELS) + ", " + SIDE + "x" + SIDE + " images, batch "
                + java.util.Arrays.toString(BATCHES) + ", stride " + java.util.Arrays.toString(STRIDES));
        System.out.printf(Locale.ROOT, "%-12s %6s %7s %9s %10s %10s %10s  %s%n", "ISA ceiling", "kernel", "threads",
                "wrong", "max fwd", "max dx", "max dw", "wrong input channels");
        List<Map<String, Object>> all = new ArrayList<>();
        for (String isa : isas) {
            List<Map<String, Object>> rows = child(isa, path);
            for (int k : KERNELS) {
                for (int t : THREADS) {
                    summarise(isa, k, t, rows);
                }
            }
            all.addAll(rows);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cpu", cpuModel());
        out.put("tolerance", "1e-3 * max(1, max |reference|)");
        out.put("rows", all);
        Files.createDirectories(json.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), out);
        System.out.println("wrote " + json);
    }

    private static void summarise(String isa, int kernel, int threads, List<Map<String, Object>> rows) {
        int wrong = 0;
        int total = 0;
        double[] worst = new double[3];
        TreeSet<Integer> channels = new TreeSet<>();
        for (Map<String, Object> r : rows) {
            if ((int) r.get("kernel") != kernel || (int) r.get("threads") != threads) {
                continue;
            }
            total++;
            worst[0] = Math.max(worst[0], number(r.get("forwardError")));
            worst[1] = Math.max(worst[1], number(r.get("inputGradientError")));
            worst[2] = Math.max(worst[2], number(r.get("weightGradientError")));
            if ((boolean) r.get("wrong")) {
                wrong++;
                channels.add((int) r.get("inChannels"));
            }
        }
        System.out.printf(Locale.ROOT, "%-12s %6s %7d %9s %10.3g %10.3g %10.3g  %s%n", isa, kernel + "x" + kernel,
                threads, wrong + "/" + total, worst[0], worst[1], worst[2], ranges(channels));
    }

    /** A JSON number; Jackson writes infinity (a NaN result) as the string "Infinity". */
    private static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : Double.parseDouble(value.toString());
    }

    /** Runs the sweep in a child JVM with the ceiling in its environment (ALL: the variable unset). */
    private static List<Map<String, Object>> child(String isa, String path) throws IOException, InterruptedException {
        Path rows = Files.createTempFile("conv-forward-" + isa, ".json");
        try {
            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-Dai.djl.offline=true",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                    ConvForwardChannels.class.getName(), "--child", rows.toString(), path);
            if (isa.equals("ALL")) {
                pb.environment().remove("ONEDNN_MAX_CPU_ISA");
            } else {
                pb.environment().put("ONEDNN_MAX_CPU_ISA", isa);
            }
            pb.inheritIO();
            int rc = pb.start().waitFor();
            if (rc != 0) {
                throw new IllegalStateException("the child JVM for ONEDNN_MAX_CPU_ISA=" + isa + " exited with " + rc);
            }
            List<Map<String, Object>> out = new ObjectMapper().readValue(rows.toFile(), new TypeReference<>() {});
            for (Map<String, Object> r : out) {
                r.put("isa", isa);
                r.put("path", path);
            }
            return out;
        } finally {
            Files.deleteIfExists(rows);
        }
    }

    private static List<Map<String, Object>> sweep(String path) {
        List<Map<String, Object>> rows = new ArrayList<>();
        int configured = ConvolutionProbe.intraOpThreads();
        SplittableRandom random = new SplittableRandom(20261207L);
        for (int threads : THREADS) {
            ConvolutionProbe.intraOpThreads(threads);
            for (int cin = 1; cin <= MAX_CHANNELS; cin++) {
                for (int cout : path.equals("depthwise") ? new int[] {cin} : OUT_CHANNELS) {
                    for (int k : KERNELS) {
                        for (int stride : STRIDES) {
                            for (int batch : BATCHES) {
                                rows.add(row(random, threads, batch, cin, cout, k, stride, path));
                            }
                        }
                    }
                }
            }
        }
        ConvolutionProbe.intraOpThreads(configured);
        return rows;
    }

    private static Map<String, Object> row(SplittableRandom random, int threads, int batch, int cin, int cout, int k,
            int stride, String path) {
        double[] err = errors(random, batch, cin, cout, k, stride, path);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("threads", threads);
        row.put("inChannels", cin);
        row.put("outChannels", cout);
        row.put("kernel", k);
        row.put("stride", stride);
        row.put("batch", batch);
        row.put("forwardError", err[0]);
        row.put("inputGradientError", err[1]);
        row.put("weightGradientError", err[2]);
        row.put("wrong", err[3] > 0);
        return row;
    }

    /** Max abs errors of forward, ∂x, ∂w, and 1 when any exceeds the tolerance (else 0). */
    private static double[] errors(SplittableRandom random, int batch, int cin, int cout, int k, int stride,
            String path) {
        int pad = k / 2;
        int groups = path.equals("depthwise") ? cin : 1;
        int perGroup = cin / groups;
        float[] x = ConvolutionProbe.uniform(random, batch * cin * SIDE * SIDE, 1f);
        float[] w = ConvolutionProbe.uniform(random, cout * perGroup * k * k, 1f);
        int side = (SIDE + 2 * pad - k) / stride + 1;
        float[] u = ConvolutionProbe.uniform(random, batch * cout * side * side, 1f);
        float[] y;
        float[] dx;
        float[] dw;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray xa = Owned.floats(m, x, new Shape(batch, cin, SIDE, SIDE));
            NDArray wa = Owned.floats(m, w, new Shape(cout, perGroup, k, k));
            NDArray ua = Owned.floats(m, u, new Shape(batch, cout, side, side));
            xa.setRequiresGradient(true);
            wa.setRequiresGradient(true);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray out = path.equals("padded")
                        ? ChannelPaddedConvolution.conv2d(xa, wa, null, new Shape(stride, stride), new Shape(pad, pad))
                        : Conv2d.conv2d(xa, wa, null, new Shape(stride, stride), new Shape(pad, pad),
                                new Shape(1, 1), groups).singletonOrThrow();
                y = out.toFloatArray();
                c.backward(out.mul(ua).sum());
            }
            dx = xa.getGradient().toFloatArray();
            dw = wa.getGradient().toFloatArray();
        }
        double[] ry = new double[y.length];
        double[] rdx = new double[dx.length];
        double[] rdw = new double[dw.length];
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < cout; o++) {
                for (int oy = 0; oy < side; oy++) {
                    for (int ox = 0; ox < side; ox++) {
                        int yi = ((b * cout + o) * side + oy) * side + ox;
                        double sum = 0;
                        int first = o / (cout / groups) * perGroup;
                        for (int c = first; c < first + perGroup; c++) {
                            for (int i = 0; i < k; i++) {
                                int iy = oy * stride + i - pad;
                                if (iy < 0 || iy >= SIDE) {
                                    continue;
                                }
                                for (int j = 0; j < k; j++) {
                                    int ix = ox * stride + j - pad;
                                    if (ix < 0 || ix >= SIDE) {
                                        continue;
                                    }
                                    int xi = ((b * cin + c) * SIDE + iy) * SIDE + ix;
                                    int wi = ((o * perGroup + c - first) * k + i) * k + j;
                                    sum += (double) w[wi] * x[xi];
                                    rdx[xi] += (double) w[wi] * u[yi];
                                    rdw[wi] += (double) x[xi] * u[yi];
                                }
                            }
                        }
                        ry[yi] = sum;
                    }
                }
            }
        }
        double[] a = maxError(y, ry);
        double[] b = maxError(dx, rdx);
        double[] c = maxError(dw, rdw);
        boolean wrong = a[1] > 0 || b[1] > 0 || c[1] > 0;
        return new double[] {a[0], b[0], c[0], wrong ? 1 : 0};
    }

    /** {max |got − ref| (infinity when not finite), 1 when it exceeds 1e-3 · max(1, max |ref|)}. */
    private static double[] maxError(float[] got, double[] ref) {
        double err = 0;
        double scale = 1;
        for (int i = 0; i < ref.length; i++) {
            double e = Math.abs(got[i] - ref[i]);
            err = Math.max(err, Double.isNaN(e) ? Double.POSITIVE_INFINITY : e);
            scale = Math.max(scale, Math.abs(ref[i]));
        }
        return new double[] {err, err > 1e-3 * scale ? 1 : 0};
    }

    /** 9-12, 14, 17-23 */
    private static String ranges(TreeSet<Integer> values) {
        StringBuilder s = new StringBuilder();
        Integer start = null;
        Integer prev = null;
        for (int v : values) {
            if (prev != null && v == prev + 1) {
                prev = v;
                continue;
            }
            if (start != null) {
                s.append(s.length() > 0 ? ", " : "").append(start.equals(prev) ? "" + start : start + "-" + prev);
            }
            start = v;
            prev = v;
        }
        if (start != null) {
            s.append(s.length() > 0 ? ", " : "").append(start.equals(prev) ? "" + start : start + "-" + prev);
        }
        return s.length() == 0 ? "none" : s.toString();
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
