package dev.perennial.benchmarks.perf;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.benchmarks.BenchmarkArgs;
import dev.perennial.models.cnn.Conv2dLayer;
import dev.perennial.models.diffusion.Attention;
import dev.perennial.models.diffusion.Downsample2D;
import dev.perennial.models.diffusion.GegluFeedForward;
import dev.perennial.models.diffusion.GroupNorm;
import dev.perennial.models.diffusion.ResnetBlock2D;
import dev.perennial.models.diffusion.Transformer2DModel;
import dev.perennial.models.diffusion.UNet2DConditionConfig;
import dev.perennial.models.diffusion.UNet2DConditionModel;
import dev.perennial.models.diffusion.Upsample2D;
import dev.perennial.models.nn.ActivationFunction;
import dev.perennial.models.nn.ConvolutionProbe;
import dev.perennial.models.nn.Linear;
import dev.perennial.models.nn.MultiHeadAttention;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where the ID³ denoiser's UNet spends its time (issue #24): the {@code models.diffusion} UNet2DConditionModel at
 * the ID³ benchmark's configuration (pixel space, 3 → 3 channels, block_out_channels [8, 16], one resnet per level,
 * cross-attention at every level, 2 heads, cross_attention_dim 16, 3 context tokens, GroupNorm 8 groups, 16 × 16
 * images), timed per block type at the shapes at which the UNet calls each block (every call site is built as its
 * own block with the same shape), forward alone (no gradient recording, {@code training=false}) and forward +
 * backward of {@code sum(out · u)}, plus the whole UNet (forward; forward + backward of {@code mean(out²)}), in CPU
 * seconds of the calling thread (user + system; with one libtorch intra-op thread every kernel runs on it).
 * The self-attention, cross-attention and feed-forward rows are parts of the transformer-2d row, the group-norm row
 * is part of the resnet and transformer-2d rows. {@code attend-16px-whole} and {@code attend-16px-sliced} time the
 * attention product of the three 16 × 16 self-attention calls alone, over the whole batch (as before issue #24's fix)
 * and in batch slices ({@link Attention#attendInBatchChunks}, what {@link Attention} now does), in the same JVM.
 *
 * <p>{@code tools/unet_profile_reference.py} times the same sites of the same architecture in PyTorch and counts the
 * forward's FLOPs. Run both with one thread and the same oneDNN ceiling.
 *
 * <p>Usage: {@code bin/benchmark perf.UNetProfile --batches 16,48,96 --repeats 3
 * --out target/benchmarks/unet-profile-java.json [--whole-only true]} (batch 96: the UNet's batch under classifier-free
 * guidance at 48; {@code --whole-only true} times the whole UNet only, which runs on a build before the fix too) (set {@code -Dai.djl.pytorch.num_threads=1} through
 * {@code BENCH_JAVA_OPTS}; the program also sets one intra-op thread itself).
 */
public final class UNetProfile {
    private static final int SIZE = 16;
    private static final int TOKENS = 3;
    private static final int CROSS = 16;
    private static final int HEADS = 2;
    private static final int GROUPS = 8;
    private static final int TEMB = 32;

    private UNetProfile() {}

    /** One call site: a block type, the block, its input shapes without the batch, and how to call it. */
    private record Site(String type, Block block, List<Shape> shapes, Caller caller) {}

    /** Calls a block on its inputs. */
    @FunctionalInterface
    private interface Caller {
        NDArray call(ParameterStore store, List<NDArray> inputs, boolean training);
    }

    /**
     * Runs the profile.
     *
     * @param args {@code --batches 16,48 --repeats 3 --out FILE}
     * @throws IOException when the JSON cannot be written
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> o = BenchmarkArgs.parse(args, Set.of("batches", "repeats", "out", "whole-only"));
        boolean wholeOnly = Boolean.parseBoolean(o.getOrDefault("whole-only", "false"));
        List<Integer> batches = BenchmarkArgs.integers(o.getOrDefault("batches", "16,48"), "batches");
        int repeats = BenchmarkArgs.integer(o, "repeats", 3);
        if (repeats < 1) {
            throw new IllegalArgumentException("UNetProfile: --repeats must be >= 1, was " + repeats);
        }
        Path out = Path.of(o.getOrDefault("out", "target/benchmarks/unet-profile-java.json"));
        String loadBefore = BenchmarkArgs.loadAverage();
        Engine.getInstance().setRandomSeed(0);
        ConvolutionProbe.intraOpThreads(1);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("side", "djl");
        json.put("threads", ConvolutionProbe.intraOpThreads());
        json.put("onednnMaxCpuIsa", System.getenv().getOrDefault("ONEDNN_MAX_CPU_ISA", "unset"));
        json.put("repeats", repeats);
        json.put("loadAverageBefore", loadBefore);
        Map<String, Object> perBatch = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            List<Site> sites = wholeOnly ? List.of() : sites();
            for (Site s : sites) {
                if (s.block() != null) {
                    s.block().initialize(m, DataType.FLOAT32);
                }
            }
            UNet2DConditionModel unet = new UNet2DConditionModel(config());
            unet.initialize(m, DataType.FLOAT32);
            ParameterStore store = new ParameterStore(m, false);
            for (int batch : batches) {
                Map<String, Row> rows = new LinkedHashMap<>();
                for (Site s : sites) {
                    Row r = rows.computeIfAbsent(s.type(), k -> new Row(repeats));
                    r.calls++;
                    List<Shape> shapes = new ArrayList<>();
                    for (Shape sh : s.shapes()) {
                        shapes.add(withBatch(batch, sh));
                    }
                    r.add(measure(m, store, s.caller(), shapes, repeats));
                }
                Row whole = new Row(repeats);
                whole.calls = 1;
                whole.add(measureUnet(m, store, unet, batch, repeats));
                rows.put("unet", whole);
                print(batch, rows);
                Map<String, Object> b = new LinkedHashMap<>();
                for (Map.Entry<String, Row> e : rows.entrySet()) {
                    b.put(e.getKey(), Map.of("calls", e.getValue().calls, "forward", e.getValue().forward,
                            "forward_backward", e.getValue().forwardBackward));
                }
                perBatch.put(Integer.toString(batch), Map.of("rows", b));
            }
        }
        json.put("batches", perBatch);
        json.put("loadAverageAfter", BenchmarkArgs.loadAverage());
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        System.out.println("load average before " + loadBefore + ", after " + BenchmarkArgs.loadAverage());
        System.out.println("wrote " + out);
    }

    /** The ID³ benchmark's UNet (what {@code DenoiserConfig.unet()} builds for [8, 16], 2 heads, width 16). */
    static UNet2DConditionConfig config() {
        return new UNet2DConditionConfig(3, 3, List.of(8, 16),
                List.of(UNet2DConditionConfig.CROSS_DOWN, UNet2DConditionConfig.CROSS_DOWN),
                List.of(UNet2DConditionConfig.CROSS_UP, UNet2DConditionConfig.CROSS_UP), 1, List.of(HEADS, HEADS),
                CROSS, GROUPS, 1e-5f, true, 0, 1, false, false, SIZE);
    }

    private static List<Site> sites() {
        List<Site> s = new ArrayList<>();
        Linear t1 = new Linear(8, TEMB, true);
        Linear t2 = new Linear(TEMB, TEMB, true);
        s.add(new Site("time-embedding", new Pair(t1, t2), List.of(new Shape(8)), (st, in, tr) ->
                t2.forward(st, ActivationFunction.SILU.apply(t1.forward(st, in.get(0), tr)), tr)));
        for (int[] c : new int[][] {{3, 8}, {8, 3}}) {
            Conv2dLayer conv = new Conv2dLayer(c[0], c[1], 3, 1, 1, 1, true);
            s.add(new Site("conv-in/out", conv, List.of(new Shape(c[0], SIZE, SIZE)),
                    (st, in, tr) -> conv.forward(st, in.get(0), tr)));
        }
        // resnets: input channels, output channels, side
        for (int[] c : new int[][] {{8, 8, 16}, {8, 16, 8}, {16, 16, 8}, {16, 16, 8}, {32, 16, 8}, {24, 16, 8},
            {24, 8, 16}, {16, 8, 16}}) {
            ResnetBlock2D res = new ResnetBlock2D(c[0], c[1], TEMB, GROUPS, 1e-5f);
            s.add(new Site("resnet", res, List.of(new Shape(c[0], c[2], c[2]), new Shape(TEMB)),
                    (st, in, tr) -> res.forward(st, in.get(0), in.get(1), tr)));
            s.add(groupNorm(c[0], c[2], 1e-5f));
            s.add(groupNorm(c[1], c[2], 1e-5f));
        }
        // transformers: channels, side
        for (int[] c : new int[][] {{8, 16}, {16, 8}, {16, 8}, {16, 8}, {16, 8}, {8, 16}, {8, 16}}) {
            int ch = c[0];
            long n = (long) c[1] * c[1];
            Transformer2DModel tr2d = new Transformer2DModel(ch, CROSS, HEADS, GROUPS, false);
            s.add(new Site("transformer-2d", tr2d, List.of(new Shape(ch, c[1], c[1]), new Shape(TOKENS, CROSS)),
                    (st, in, tr) -> tr2d.forward(st, in.get(0), in.get(1), tr)));
            s.add(groupNorm(ch, c[1], 1e-6f));
            Attention self = new Attention(ch, ch, HEADS, false);
            s.add(new Site("self-attention", self, List.of(new Shape(n, ch)),
                    (st, in, tr) -> self.forward(st, in.get(0), null, tr)));
            Attention cross = new Attention(ch, CROSS, HEADS, false);
            s.add(new Site("cross-attention", cross, List.of(new Shape(n, ch), new Shape(TOKENS, CROSS)),
                    (st, in, tr) -> cross.forward(st, in.get(0), in.get(1), tr)));
            GegluFeedForward ff = new GegluFeedForward(ch);
            s.add(new Site("feed-forward", ff, List.of(new Shape(n, ch)),
                    (st, in, tr) -> ff.forward(st, in.get(0), tr)));
        }
        s.add(groupNorm(8, SIZE, 1e-5f));
        // the attention product alone at full resolution (2 heads of width 4 over 256 tokens), the three calls of
        // the 16 x 16 level: libtorch over the whole batch at once, and in batch slices of at most 2^20 scores
        List<Shape> qkv = List.of(new Shape(HEADS, SIZE * SIZE, 4), new Shape(HEADS, SIZE * SIZE, 4),
                new Shape(HEADS, SIZE * SIZE, 4));
        for (int i = 0; i < 3; i++) {
            s.add(new Site("attend-16px-whole", null, qkv,
                    (st, in, tr) -> MultiHeadAttention.attend(in.get(0), in.get(1), in.get(2), null, 0f, tr)));
            s.add(new Site("attend-16px-sliced", null, qkv, (st, in, tr) ->
                    Attention.attendInBatchChunks(in.get(0), in.get(1), in.get(2), Attention.MAX_CHUNK_SCORES)));
        }
        Downsample2D down = new Downsample2D(8, 1);
        s.add(new Site("downsample", down, List.of(new Shape(8, SIZE, SIZE)),
                (st, in, tr) -> down.forward(st, in.get(0), tr)));
        Upsample2D up = new Upsample2D(16);
        s.add(new Site("upsample", up, List.of(new Shape(16, SIZE / 2, SIZE / 2)),
                (st, in, tr) -> up.forward(st, in.get(0), tr)));
        return s;
    }

    private static Site groupNorm(int channels, int side, float eps) {
        GroupNorm g = new GroupNorm(GROUPS, channels, eps);
        return new Site("group-norm", g, List.of(new Shape(channels, side, side)),
                (st, in, tr) -> g.forward(st, in.get(0), tr));
    }

    private static Shape withBatch(int batch, Shape s) {
        long[] d = new long[s.dimension() + 1];
        d[0] = batch;
        System.arraycopy(s.getShape(), 0, d, 1, s.dimension());
        return new Shape(d);
    }

    /** Forward and forward + backward CPU seconds of one call site, one warm-up call each. */
    private static double[][] measure(NDManager m, ParameterStore store, Caller caller, List<Shape> shapes,
            int repeats) {
        double[][] out = new double[2][repeats];
        try (NDManager sm = m.newSubManager()) {
            List<NDArray> inputs = new ArrayList<>();
            for (Shape sh : shapes) {
                inputs.add(sm.randomNormal(sh));
            }
            NDArray u;
            Shape outShape;
            try (NDScope scope = new NDScope()) {
                outShape = caller.call(store, copies(inputs), false).getShape();
            }
            u = sm.randomNormal(outShape);
            for (int i = -1; i < repeats; i++) {
                double t = cpuSeconds(() -> {
                    try (NDScope scope = new NDScope()) {
                        List<NDArray> in = copies(inputs);
                        caller.call(store, in, false);
                    }
                });
                if (i >= 0) {
                    out[0][i] = t;
                }
            }
            for (int i = -1; i < repeats; i++) {
                double t = cpuSeconds(() -> {
                    try (NDScope scope = new NDScope()) {
                        List<NDArray> in = copies(inputs);
                        for (NDArray a : in) {
                            a.setRequiresGradient(true);
                        }
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            gc.backward(caller.call(store, in, true).mul(u).sum());
                        }
                    }
                });
                if (i >= 0) {
                    out[1][i] = t;
                }
            }
        }
        return out;
    }

    /** Copies of the inputs made inside the call's scope, so that the scope closes them with the call's arrays. */
    private static List<NDArray> copies(List<NDArray> inputs) {
        List<NDArray> in = new ArrayList<>();
        for (NDArray a : inputs) {
            in.add(a.duplicate());
        }
        return in;
    }

    private static double[][] measureUnet(NDManager m, ParameterStore store, UNet2DConditionModel unet, int batch,
            int repeats) {
        Caller fwd = (st, in, tr) -> unet.forward(st, in.get(0), in.get(1), in.get(2), tr);
        double[][] out = new double[2][repeats];
        try (NDManager sm = m.newSubManager()) {
            NDArray x = sm.randomNormal(new Shape(batch, 3, SIZE, SIZE));
            NDArray t = sm.randomInteger(0, 100, new Shape(batch), DataType.INT64);
            NDArray c = sm.randomNormal(new Shape(batch, TOKENS, CROSS));
            List<NDArray> inputs = List.of(x, t, c);
            for (int i = -1; i < repeats; i++) {
                double s = cpuSeconds(() -> {
                    try (NDScope scope = new NDScope()) {
                        fwd.call(store, copies(inputs), false);
                    }
                });
                if (i >= 0) {
                    out[0][i] = s;
                }
            }
            for (int i = -1; i < repeats; i++) {
                double s = cpuSeconds(() -> {
                    try (NDScope scope = new NDScope()) {
                        List<NDArray> in = copies(inputs);
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            gc.backward(fwd.call(store, in, true).square().mean());
                        }
                    }
                });
                if (i >= 0) {
                    out[1][i] = s;
                }
            }
        }
        return out;
    }

    private static double cpuSeconds(Runnable r) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long t0 = mx.getCurrentThreadCpuTime();
        r.run();
        return (mx.getCurrentThreadCpuTime() - t0) / 1e9;
    }

    private static void print(int batch, Map<String, Row> rows) {
        System.out.printf(Locale.ROOT, "batch %d (CPU-s of the calling thread, mean ± std over repeats)%n", batch);
        System.out.printf(Locale.ROOT, "%-16s %5s %20s %20s%n", "block type", "calls", "forward CPU-s",
                "fwd+bwd CPU-s");
        for (Map.Entry<String, Row> e : rows.entrySet()) {
            Row r = e.getValue();
            System.out.printf(Locale.ROOT, "%-16s %5d %11.4f ± %.4f %11.4f ± %.4f%n", e.getKey(), r.calls,
                    mean(r.forward), std(r.forward), mean(r.forwardBackward), std(r.forwardBackward));
        }
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }

    /** Per-repeat CPU seconds summed over a block type's call sites. */
    private static final class Row {
        int calls;
        final double[] forward;
        final double[] forwardBackward;

        Row(int repeats) {
            forward = new double[repeats];
            forwardBackward = new double[repeats];
        }

        void add(double[][] t) {
            for (int i = 0; i < forward.length; i++) {
                forward[i] += t[0][i];
                forwardBackward[i] += t[1][i];
            }
        }
    }

    /** The time embedding's two linear layers as one block (for initialisation). */
    private static final class Pair extends dev.perennial.models.nn.FixedShapeBlock {
        Pair(Linear a, Linear b) {
            addChildBlock("linear_1", a);
            addChildBlock("linear_2", b);
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                ai.djl.util.PairList<String, Object> params) {
            throw new UnsupportedOperationException("called through the site's caller");
        }
    }
}
