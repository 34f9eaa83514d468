package dev.perennial.benchmarks.slerpface;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import dev.perennial.models.nn.Owned;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The image-decoder inversion attacker's network (issue #9, attack 3): a template (raw or protected) to a face
 * image. Architecture (a small DCGAN-style generator): {@code Linear(L → C·4·4) → ReLU → reshape (C, 4, 4)}, then
 * {@code k = log2(S/4)} up-sampling stages, each a nearest-neighbour ×2 up-sampling followed by a 3×3 convolution
 * (padding 1), with BatchNorm and ReLU between stages and channels halved per stage, the last one to 3 channels,
 * and a sigmoid so pixels lie in [0, 1] like the rendered faces. Up-sampling + convolution instead of a transposed
 * convolution: DJL 0.36's PyTorch engine does not implement {@code deconvolution} ({@code Conv2dTranspose} throws
 * "Not implemented"). Inputs are standardised per dimension with the training pairs' mean and standard deviation
 * (the attacker's own preprocessing: raw features, protected values and ±1 bits live on very different scales).
 *
 * <p>Trained with a plain DJL loop ({@link #train}) on the pixel L2 loss {@code mean((x̂ − x)²)}, Adam, a fixed
 * learning rate. Why not the shared loop: the loop is shaped for classification scenarios (a data set of labelled
 * examples cut into class tasks, evaluated as an accuracy matrix); the attacker's pairs are made inside the
 * evaluation (each leaked template protected under its own key, per scheme) and its target is an image, not a
 * class. The loop has finished before a decoder trains, so this is the process's only gradient collector.
 */
public final class TemplateImageDecoder implements AutoCloseable {

    private final DecoderConfig config;
    private final Model model;
    private final Trainer trainer;
    private final float[] mean;
    private final float[] scale;
    private final List<Double> epochLosses = new ArrayList<>();

    private TemplateImageDecoder(DecoderConfig config, float[] mean, float[] scale) {
        this.config = config;
        this.mean = mean;
        this.scale = scale;
        this.model = Model.newInstance("template-image-decoder");
        model.setBlock(block(config));
        DefaultTrainingConfig training = new DefaultTrainingConfig(Loss.l2Loss())
                .optOptimizer(Adam.builder().optLearningRateTracker(Tracker.fixed((float) config.learningRate()))
                        .build());
        this.trainer = model.newTrainer(training);
    }

    /**
     * The untrained network: input {@code (N, L)}, output {@code (N, 3, S, S)} in (0, 1).
     *
     * @param config the shape
     * @return the block
     */
    public static SequentialBlock block(DecoderConfig config) {
        int side = DecoderConfig.START_SIDE;
        int channels = config.channels();
        SequentialBlock net = new SequentialBlock();
        net.add(Linear.builder().setUnits((long) channels * side * side).build());
        net.add(Activation.reluBlock());
        net.add(new LambdaBlock(x -> new NDList(x.head().reshape(-1, channels, side, side)), "to-map"));
        int width = channels;
        for (int stage = 0; stage < config.stages(); stage++) {
            boolean last = stage == config.stages() - 1;
            int out = last ? 3 : width / 2;
            net.add(new LambdaBlock(x -> new NDList(upsample(x.head())), "upsample"));
            net.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(out)
                    .build());
            if (!last) {
                net.add(BatchNorm.builder().build());
                net.add(Activation.reluBlock());
            }
            width = out;
        }
        net.add(Activation.sigmoidBlock());
        return net;
    }

    /**
     * Nearest-neighbour ×2 up-sampling by broadcasting: {@code (N, C, H, W) → (N, C, H, 1, W, 1) → (N, C, H, 2, W, 2)
     * → (N, C, 2H, 2W)}; differentiable, as broadcasting is.
     */
    static NDArray upsample(NDArray x) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        return x.reshape(n, c, h, 1, w, 1).broadcast(new Shape(n, c, h, 2, w, 2)).reshape(n, c, 2 * h, 2 * w);
    }

    /**
     * Trains a decoder on (template, image) pairs.
     *
     * @param config the shape and schedule; {@code templateLength} must match the templates
     * @param templates one template per pair
     * @param images one {@code 3·S·S} CHW image in [0, 1] per pair
     * @param seed seeds the initialisation and the batch order
     * @return the trained decoder (close it)
     * @throws IllegalArgumentException when the pairs do not fit the configuration
     */
    public static TemplateImageDecoder train(DecoderConfig config, float[][] templates, float[][] images, long seed) {
        int n = templates.length;
        int length = config.templateLength();
        int pixels = 3 * config.imageSize() * config.imageSize();
        if (n == 0 || images.length != n) {
            throw new IllegalArgumentException("decoder: need one image per template (> 0 pairs); got " + n
                    + " templates and " + images.length + " images");
        }
        for (int i = 0; i < n; i++) {
            if (templates[i].length != length || images[i].length != pixels) {
                throw new IllegalArgumentException("decoder: pair " + i + " has a template of " + templates[i].length
                        + " values and an image of " + images[i].length + "; expected " + length + " and " + pixels
                        + " (3 x " + config.imageSize() + " x " + config.imageSize() + ")");
            }
            checkFinite(templates[i], "template " + i);
        }
        float[] mean = new float[length];
        float[] scale = new float[length];
        for (int j = 0; j < length; j++) {
            double sum = 0;
            double squares = 0;
            for (float[] t : templates) {
                sum += t[j];
                squares += (double) t[j] * t[j];
            }
            double m = sum / n;
            double sd = Math.sqrt(Math.max(0, squares / n - m * m));
            mean[j] = (float) m;
            // a dimension that never varies (e.g. always dropped) carries nothing: leave it at 0 after centring
            scale[j] = sd > 1e-8 ? (float) (1 / sd) : 0f;
        }
        Engine.getInstance().setRandomSeed((int) seed);
        TemplateImageDecoder decoder = new TemplateImageDecoder(config, mean, scale);
        try {
            decoder.fit(templates, images, new Random(seed));
            return decoder;
        } catch (RuntimeException e) {
            decoder.close();
            throw e;
        }
    }

    private void fit(float[][] templates, float[][] images, Random random) {
        int n = templates.length;
        int length = config.templateLength();
        int s = config.imageSize();
        trainer.initialize(new Shape(Math.min(2, n), length));
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            shuffle(order, random);
            double sum = 0;
            for (int start = 0; start < n; start += config.batchSize()) {
                int b = Math.min(config.batchSize(), n - start);
                if (b < 2 && n >= 2) {
                    continue;   // BatchNorm needs two samples for a batch variance
                }
                float[] x = new float[b * length];
                float[] y = new float[b * 3 * s * s];
                for (int i = 0; i < b; i++) {
                    standardise(templates[order[start + i]], x, i * length);
                    System.arraycopy(images[order[start + i]], 0, y, i * 3 * s * s, 3 * s * s);
                }
                try (NDManager step = trainer.getManager().newSubManager()) {
                    NDArray input = Owned.floats(step, x, new Shape(b, length));
                    NDArray target = Owned.floats(step, y, new Shape(b, 3, s, s));
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDArray output = trainer.forward(new NDList(input)).head();
                        NDArray loss = output.sub(target).square().mean();
                        collector.backward(loss);
                        sum += loss.getFloat() * b;
                    }
                    trainer.step();
                }
            }
            epochLosses.add(sum / n);
        }
    }

    /**
     * Decodes templates into images.
     *
     * @param templates templates of {@code templateLength} values
     * @return one {@code 3·S·S} CHW image per template, in (0, 1)
     */
    public float[][] decode(float[][] templates) {
        int length = config.templateLength();
        int pixels = 3 * config.imageSize() * config.imageSize();
        float[][] out = new float[templates.length][];
        for (int start = 0; start < templates.length; start += config.batchSize()) {
            int b = Math.min(config.batchSize(), templates.length - start);
            float[] x = new float[b * length];
            for (int i = 0; i < b; i++) {
                if (templates[start + i].length != length) {
                    throw new IllegalArgumentException("decoder: template " + (start + i) + " has "
                            + templates[start + i].length + " values; the decoder was trained on " + length);
                }
                checkFinite(templates[start + i], "template " + (start + i));
                standardise(templates[start + i], x, i * length);
            }
            try (NDManager step = trainer.getManager().newSubManager()) {
                float[] images = trainer.evaluate(new NDList(Owned.floats(step, x, new Shape(b, length)))).head()
                        .toFloatArray();
                for (int i = 0; i < b; i++) {
                    out[start + i] = new float[pixels];
                    System.arraycopy(images, i * pixels, out[start + i], 0, pixels);
                }
            }
        }
        return out;
    }

    /**
     * The mean pixel L2 loss of every training epoch.
     *
     * @return the losses, first epoch first
     */
    public List<Double> epochLosses() {
        return List.copyOf(epochLosses);
    }

    /**
     * The configuration.
     *
     * @return the configuration
     */
    public DecoderConfig config() {
        return config;
    }

    private void standardise(float[] template, float[] into, int offset) {
        for (int j = 0; j < template.length; j++) {
            into[offset + j] = (template[j] - mean[j]) * scale[j];
        }
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private static void checkFinite(float[] values, String what) {
        for (int j = 0; j < values.length; j++) {
            if (!Float.isFinite(values[j])) {
                throw new IllegalArgumentException("decoder: " + what + " has a non-finite value at " + j + ": "
                        + values[j]);
            }
        }
    }

    /** Frees the network's native memory. */
    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}
