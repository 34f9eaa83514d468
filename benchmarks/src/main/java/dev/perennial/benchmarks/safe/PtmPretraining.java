package dev.perennial.benchmarks.safe;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.perennial.api.data.ImageFolder;
import dev.perennial.api.data.ImageFolderConfig;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.io.SafetensorsWriter;
import dev.perennial.models.nn.Owned;
import dev.perennial.models.vit.VisionTransformer;
import dev.perennial.models.vit.VitConfig;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Pre-trains the small ViT that stands in for a pre-trained model when no timm checkpoint is at hand: supervised
 * classification of CIFAR-10 (a data set disjoint in classes from CIFAR-100's), AdamW with a cosine schedule and
 * random horizontal flips, then the weights in timm names (without the head) in a safetensors file. The file is
 * a cache outside git: a second run with the same settings reuses it.
 *
 * @param cifar10 the CIFAR-10 archive
 * @param imageSize image size (32: CIFAR's own)
 * @param patchSize patch size
 * @param embedDim D
 * @param depth blocks
 * @param numHeads heads
 * @param perClass training images per class
 * @param epochs epochs
 * @param seed the seed
 */
record PtmPretraining(Path cifar10, int imageSize, int patchSize, int embedDim, int depth, int numHeads,
                      int perClass, int epochs, long seed) {

    /** What the pre-training produced. */
    record Result(Path checkpoint, double testAccuracy, double seconds, boolean cached) {}

    /**
     * The cached checkpoint, trained first when absent.
     *
     * @param cacheDir where checkpoints are kept
     * @return the checkpoint and its CIFAR-10 test accuracy
     * @throws IOException on read or write failures
     */
    Result checkpoint(Path cacheDir) throws IOException {
        String key = String.format(Locale.ROOT, "vit-cifar10-s%d-p%d-d%d-l%d-h%d-n%d-e%d-seed%d",
                imageSize, patchSize, embedDim, depth, numHeads, perClass, epochs, seed);
        Path file = cacheDir.resolve(key + ".safetensors");
        Path accuracyFile = cacheDir.resolve(key + ".accuracy");
        if (Files.exists(file) && Files.exists(accuracyFile)) {
            return new Result(file, Double.parseDouble(Files.readString(accuracyFile).trim()), 0, true);
        }
        Files.createDirectories(cacheDir);
        long start = System.nanoTime();
        double accuracy = train(file);
        Files.writeString(accuracyFile, Double.toString(accuracy));
        return new Result(file, accuracy, (System.nanoTime() - start) / 1e9, false);
    }

    private double train(Path out) throws IOException {
        ImageFolder data = ImageFolder.open(new ImageFolderConfig(cifar10.toString(), 3, imageSize == 32 ? 0 : imageSize,
                imageSize == 32 ? 0 : imageSize, perClass));
        DatasetSplit train = data.train();
        int n = train.size();
        int batch = 64;
        int pixels = 3 * imageSize * imageSize;
        float[][] images = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            Example e = train.get(i);
            images[i] = ((Feature.Floats) e.features().get("image")).values();
            labels[i] = e.label().orElseThrow();
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) seed);
            VisionTransformer vit = new VisionTransformer(VitConfig.of(imageSize, patchSize, embedDim, depth,
                    numHeads, data.classNames().size()));
            vit.initialize(manager, DataType.FLOAT32, new Shape(1, 3, imageSize, imageSize));
            ParameterStore store = new ParameterStore(manager, false);
            List<Parameter> params = new ArrayList<>(vit.getParameters().values());
            List<NDArray> m1 = new ArrayList<>();
            List<NDArray> m2 = new ArrayList<>();
            for (Parameter p : params) {
                m1.add(manager.zeros(p.getArray().getShape()));
                m2.add(manager.zeros(p.getArray().getShape()));
            }
            Random random = new Random(seed);
            int steps = epochs * ((n + batch - 1) / batch);
            int step = 0;
            float lr0 = 1e-3f;
            for (int epoch = 0; epoch < epochs; epoch++) {
                int[] order = shuffled(n, random);
                double lossSum = 0;
                int batches = 0;
                for (int from = 0; from < n; from += batch) {
                    int b = Math.min(batch, n - from);
                    float[] x = new float[b * pixels];
                    long[] y = new long[b];
                    for (int i = 0; i < b; i++) {
                        int idx = order[from + i];
                        copyMaybeFlipped(images[idx], x, i * pixels, imageSize, random.nextBoolean());
                        y[i] = labels[idx];
                    }
                    // Cosine schedule with a short linear warm-up.
                    int warm = Math.max(1, steps / 20);
                    float lr = step < warm ? lr0 * (step + 1) / warm
                            : (float) (0.5 * lr0 * (1 + Math.cos(Math.PI * (step - warm) / Math.max(1, steps - warm))));
                    try (NDManager sm = manager.newSubManager()) {
                        NDArray images4 = Owned.floats(sm, x, new Shape(b, 3, imageSize, imageSize));
                        NDArray target = Owned.longs(sm, y).reshape(-1, 1);
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray logits = vit.forward(store, new NDList(images4), true).singletonOrThrow();
                            NDArray loss = logits.logSoftmax(1).gather(target, 1).mean().neg();
                            gc.backward(loss);
                            lossSum += loss.getFloat();
                        }
                        adamW(params, m1, m2, step + 1, lr);
                    }
                    step++;
                    batches++;
                }
                System.out.printf(Locale.ROOT, "  pre-training epoch %d/%d: loss %.4f%n", epoch + 1, epochs,
                        lossSum / batches);
            }
            double accuracy = evaluate(vit, store, data.test(), manager);
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            ParameterNames.of(vit).forEach((name, p) -> {
                if (!name.startsWith("head.")) {
                    tensors.put(name, p.getArray());
                }
            });
            SafetensorsWriter.write(out, tensors);
            return accuracy;
        } finally {
            data.close();
        }
    }

    /** AdamW (β 0.9/0.999, ε 1e-8, decoupled weight decay 0.05) on every parameter. */
    private static void adamW(List<Parameter> params, List<NDArray> m1, List<NDArray> m2, int t, float lr) {
        // The temporaries below belong to the parameters' manager: the scope frees them at every step (without it,
        // native memory grew by ~10 GB per epoch of 50,000 images).
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            adamWStep(params, m1, m2, t, lr);
        }
    }

    private static void adamWStep(List<Parameter> params, List<NDArray> m1, List<NDArray> m2, int t, float lr) {
        float b1 = 0.9f;
        float b2 = 0.999f;
        float c1 = (float) (1 - Math.pow(b1, t));
        float c2 = (float) (1 - Math.pow(b2, t));
        for (int i = 0; i < params.size(); i++) {
            NDArray w = params.get(i).getArray();
            NDArray g = w.getGradient();
            m1.get(i).muli(b1).addi(g.mul(1 - b1));
            m2.get(i).muli(b2).addi(g.square().mul(1 - b2));
            NDArray update = m1.get(i).div(c1).div(m2.get(i).div(c2).sqrt().add(1e-8f)).add(w.mul(0.05f));
            w.subi(update.mul(lr));
            g.subi(g);
        }
    }

    private static double evaluate(VisionTransformer vit, ParameterStore store, DatasetSplit test, NDManager manager) {
        int correct = 0;
        int n = Math.min(test.size(), 2000);
        int[] pick = new int[n];
        for (int i = 0; i < n; i++) {
            pick[i] = (int) ((long) i * test.size() / n);
        }
        for (int from = 0; from < n; from += 100) {
            int b = Math.min(100, n - from);
            try (NDManager sm = manager.newSubManager()) {
                List<NDArray> xs = new ArrayList<>();
                long[] y = new long[b];
                for (int i = 0; i < b; i++) {
                    Example e = test.get(pick[from + i]);
                    Feature.Floats f = (Feature.Floats) e.features().get("image");
                    xs.add(Owned.floats(sm, f.values(), new Shape(f.shape())).expandDims(0));
                    y[i] = e.label().orElseThrow();
                }
                NDArray logits = vit.forward(store, new NDList(ai.djl.ndarray.NDArrays.concat(new NDList(xs), 0)),
                        false).singletonOrThrow();
                long[] pred = logits.argMax(1).toLongArray();
                for (int i = 0; i < b; i++) {
                    correct += pred[i] == y[i] ? 1 : 0;
                }
            }
        }
        return (double) correct / n;
    }

    private static int[] shuffled(int n, Random random) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        return o;
    }

    private static void copyMaybeFlipped(float[] src, float[] dst, int offset, int size, boolean flip) {
        if (!flip) {
            System.arraycopy(src, 0, dst, offset, src.length);
            return;
        }
        for (int c = 0; c < 3; c++) {
            for (int r = 0; r < size; r++) {
                int row = c * size * size + r * size;
                for (int col = 0; col < size; col++) {
                    dst[offset + row + col] = src[row + size - 1 - col];
                }
            }
        }
    }
}
