package dev.perennial.benchmarks.interop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.perennial.llava.LlavaBatch;
import dev.perennial.llava.LlavaCheckpoint;
import dev.perennial.llava.LlavaExample;
import dev.perennial.llava.LlavaModel;
import dev.perennial.llava.LoadOptions;
import dev.perennial.llava.LoadedLlava;
import dev.perennial.llava.MultimodalSequences;
import dev.perennial.llava.PaddingSide;
import dev.perennial.llava.generate.GenerationConfig;
import dev.perennial.llava.generate.GenerationResult;
import dev.perennial.llava.generate.LlavaGenerator;
import dev.perennial.llava.generate.TokenSampler;
import dev.perennial.llava.image.RgbImage;
import dev.perennial.models.llama.KvCache;
import dev.perennial.models.llama.LlamaForCausalLM;
import dev.perennial.models.nn.Owned;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * One measurement of {@link LlavaScaleBenchmark}, run in a JVM of its own so that its peak resident memory is this
 * configuration's: load a checkpoint directory, then answer one prompt with one image greedily with the KV cache,
 * and write the times and memory as JSON.
 *
 * <p>Load time is {@link LlavaCheckpoint#load} (config, tokenizer, memory check, allocation, every tensor copied from
 * the memory-mapped shards), the engine already started. Prefill is the vision tower, projector, splice and the
 * decoder over the whole prompt up to the first token's logits; decode is each further step against the KV cache,
 * one token at a time (the computation {@code LlavaGenerator} does; with {@code verify} the generator runs too and
 * its tokens must equal the measured loop's). A warm-up prefill and two decode steps run first.
 *
 * <p>Usage (started by {@link LlavaScaleBenchmark}): {@code LlavaScaleProbe DIR DECODE_STEPS VERIFY OUT_JSON}
 */
public final class LlavaScaleProbe {
    private LlavaScaleProbe() {}

    /**
     * Entry point.
     *
     * @param args checkpoint directory, decode steps, whether to check against the generator, output file
     * @throws IOException if the checkpoint or output cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: LlavaScaleProbe DIR DECODE_STEPS VERIFY OUT_JSON");
        }
        Path dir = Path.of(args[0]);
        int decodeSteps = Integer.parseInt(args[1]);
        boolean verify = Boolean.parseBoolean(args[2]);
        Path out = Path.of(args[3]);
        JsonObject result = new JsonObject();
        ResidentPeaks peaks = ResidentPeaks.start();
        try (NDManager base = NDManager.newBaseManager()) {
            result.addProperty("rssBeforeLoadBytes", status("VmRSS"));
            long start = System.nanoTime();
            try (NDManager parameters = base.newSubManager();
                    LoadedLlava llava = LlavaCheckpoint.load(dir, LoadOptions.strict(parameters))) {
                result.addProperty("loadSeconds", (System.nanoTime() - start) / 1e9);
                if (!llava.report().isComplete()) {
                    throw new IllegalStateException(dir + ": load incomplete: " + llava.report().describe());
                }
                result.addProperty("parameters", llava.model().parameterCount());
                result.addProperty("rssAfterLoadBytes", status("VmRSS"));
                result.addProperty("rssAnonAfterLoadBytes", status("RssAnon"));
                result.addProperty("rssFileAfterLoadBytes", status("RssFile"));
                result.addProperty("peakRssAfterLoadBytes", status("VmHWM"));
                result.addProperty("peakRssAnonAfterLoadBytes", peaks.anon());
                try (NDManager inputs = base.newSubManager()) {
                    LlavaExample example = LlavaExample.prompt(image(400, 300), RandomLlavaCheckpoint.QUESTION);
                    LlavaBatch batch = llava.batchEncoder().forGeneration(inputs, List.of(example));
                    greedy(llava.model(), base, batch, 2);
                    Greedy measured = greedy(llava.model(), base, batch, decodeSteps);
                    result.addProperty("promptTokens", measured.promptTokens);
                    result.addProperty("prefillSeconds", measured.prefillSeconds);
                    result.addProperty("decodeSteps", decodeSteps);
                    result.addProperty("decodeSeconds", measured.decodeSeconds);
                    JsonArray tokens = new JsonArray();
                    Arrays.stream(measured.tokens).forEach(tokens::add);
                    result.add("tokens", tokens);
                    if (verify) {
                        try (NDManager scope = base.newSubManager()) {
                            List<GenerationResult> r = new LlavaGenerator(llava.model(), llava.tokenizer()).generate(
                                    scope, batch, GenerationConfig.greedy(decodeSteps + 1).withIgnoreEos(true));
                            boolean same = Arrays.equals(r.get(0).tokenIds(), measured.tokens);
                            result.addProperty("generatorAgrees", same);
                            if (!same) {
                                throw new IllegalStateException("the measured loop generated "
                                        + Arrays.toString(measured.tokens) + " but LlavaGenerator "
                                        + Arrays.toString(r.get(0).tokenIds()));
                            }
                        }
                    }
                }
            }
        }
        result.addProperty("peakRssBytes", status("VmHWM"));
        peaks.stop();
        result.addProperty("peakRssAnonBytes", peaks.anon());
        result.addProperty("peakRssFileBytes", peaks.file());
        long heapPeak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                heapPeak += pool.getPeakUsage().getUsed();
            }
        }
        result.addProperty("heapPeakBytes", heapPeak);
        System.gc();
        result.addProperty("heapUsedAfterGcBytes", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        result.addProperty("heapMaxBytes", Runtime.getRuntime().maxMemory());
        Files.writeString(out, new GsonBuilder().setPrettyPrinting().create().toJson(result), StandardCharsets.UTF_8);
    }

    private record Greedy(int promptTokens, double prefillSeconds, double decodeSeconds, long[] tokens) {}

    /**
     * Greedy decoding of one prompt as {@code LlavaGenerator} does it (left-padded prefix encoded once, then one
     * position per step against the KV cache), timing the prefill and the decode steps apart.
     */
    private static Greedy greedy(LlavaModel model, NDManager base, LlavaBatch batch, int decodeSteps) {
        LlamaForCausalLM lm = model.languageModel();
        int vocab = lm.config().vocabSize();
        TokenSampler argmax = new TokenSampler(GenerationConfig.greedy(decodeSteps + 1));
        Random unused = new Random(0);
        long[] tokens = new long[decodeSteps + 1];
        try (NDManager run = base.newSubManager(); KvCache cache = lm.newCache(run)) {
            ParameterStore store = new ParameterStore(run, false);
            long start = System.nanoTime();
            MultimodalSequences prefix = model.embed(store, run, batch, PaddingSide.LEFT, false);
            int promptTokens = (int) prefix.inputsEmbeds().getShape().get(1);
            tokens[0] = argmax.next(lastLogits(lm, store, prefix.inputsEmbeds(), prefix.attentionMask(), cache), 0,
                    vocab, unused);
            double prefill = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            for (int t = 1; t <= decodeSteps; t++) {
                try (NDManager step = run.newSubManager()) {
                    NDArray embeds = lm.embedTokens(store, Owned.longs(step, new long[] {tokens[t - 1]},
                            new Shape(1, 1)), false);
                    long[] ones = new long[promptTokens + t];
                    Arrays.fill(ones, 1L);
                    NDArray mask = Owned.longs(step, ones, new Shape(1, promptTokens + t));
                    tokens[t] = argmax.next(lastLogits(lm, store, embeds, mask, cache), 0, vocab, unused);
                }
            }
            return new Greedy(promptTokens, prefill, (System.nanoTime() - start) / 1e9, tokens);
        }
    }

    private static float[] lastLogits(LlamaForCausalLM lm, ParameterStore store, NDArray embeds, NDArray mask,
            KvCache cache) {
        NDArray logits = lm.forwardEmbeddings(store, embeds, Optional.of(mask), Optional.of(cache), false).logits()
                .orElseThrow();
        return logits.get(new NDIndex(":, -1, :")).toFloatArray();
    }

    /** A fixed 4:3 picture (colour bands and a disc), so the image processor pads and resizes as for a photo. */
    private static RgbImage image(int width, int height) {
        byte[] rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = (y * width + x) * 3;
                boolean disc = (x - 260) * (x - 260) + (y - 150) * (y - 150) < 80 * 80;
                rgb[i] = (byte) (disc ? 220 : x * 255 / width);
                rgb[i + 1] = (byte) (disc ? 40 : y * 255 / height);
                rgb[i + 2] = (byte) (disc ? 30 : 128);
            }
        }
        return new RgbImage(width, height, rgb);
    }

    /**
     * The largest anonymous and file-backed resident sizes seen, sampled every 20 ms: {@code VmHWM} counts the pages
     * of memory-mapped shards too, which the kernel can drop, while anonymous pages are what the process holds.
     */
    private static final class ResidentPeaks implements Runnable {
        private final Thread thread = new Thread(this, "rss-sampler");
        private volatile boolean running = true;
        private volatile long anon;
        private volatile long file;

        static ResidentPeaks start() {
            ResidentPeaks p = new ResidentPeaks();
            p.thread.setDaemon(true);
            p.thread.start();
            return p;
        }

        @Override
        public void run() {
            while (running) {
                sample();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void sample() {
            try {
                anon = Math.max(anon, status("RssAnon"));
                file = Math.max(file, status("RssFile"));
            } catch (IOException e) {
                running = false;
            }
        }

        long anon() {
            sample();
            return anon;
        }

        long file() {
            return file;
        }

        void stop() {
            running = false;
            sample();
        }
    }

    private static long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]) * 1024L;
            }
        }
        throw new IOException("/proc/self/status has no " + field + " (Linux only)");
    }
}
