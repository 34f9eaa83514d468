package dev.perennial.benchmarks.deepfake;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.api.loop.AdamW;
import dev.perennial.api.loop.TrainableParameter;
import dev.perennial.benchmarks.BenchmarkArgs;
import dev.perennial.deepfake.synthetic.SyntheticFaces;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.diffusion.AutoencoderKL;
import dev.perennial.models.diffusion.AutoencoderKLConfig;
import dev.perennial.models.diffusion.Diffusers;
import dev.perennial.models.diffusion.NoiseSchedule;
import dev.perennial.models.diffusion.UNet2DConditionConfig;
import dev.perennial.models.diffusion.UNet2DConditionModel;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.models.nn.Owned;
import dev.perennial.models.nn.Scalars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Pre-trains the tiny frozen generator of DiffusionFake on this machine (specs/deepfake.md §D.7: "a tiny frozen
 * generator pre-trained on real images only"): a latent diffusion model in two stages, as Rombach et al. (2022)
 * train one, on the deepfake plugin's rendered real faces ({@link SyntheticFaces}, no forgery).
 *
 * <ol>
 *   <li>An {@link AutoencoderKL}: {@code L = mean((D(z) − x)²) + β_KL · mean(½(μ² + σ² − 1 − log σ²))} with
 *       {@code z = μ + σ·ε} (the reparameterisation); then the latent scale factor is set, as latent diffusion
 *       sets it, to 1 / std of the training latents' means, so the diffusion latents have unit variance.</li>
 *   <li>With the autoencoder frozen, a {@link UNet2DConditionModel} learns DDPM ε-prediction (Ho et al. 2020) on
 *       the scaled means {@code z₀ = s·μ(x)}: {@code L = mean((ε̂(√ᾱ_t z₀ + √(1−ᾱ_t) ε, t, ∅) − ε)²)}, t uniform,
 *       the condition ∅ one zero token (the "empty prompt" the {@code diffusionfake} distiller gives it).</li>
 * </ol>
 *
 * <p>The result is a diffusers-style directory, {@code unet/} and {@code vae/} (each {@code config.json} +
 * {@code diffusion_pytorch_model.safetensors}, read back strictly by {@link Diffusers}), {@code scheduler/} and
 * {@code pretraining.json} with the held-out losses before and after each stage. The default shapes are those of the
 * deepfake plugin's sample {@code plugins/deepfake/samples/diffusionfake.yaml} (16 px, 8 × 8 × 4 latents).
 *
 * <p>Arguments ({@code --name value}): {@code --out} (target/diffusionfake-generator), {@code --size} (16),
 * {@code --identities} (64), {@code --frames} (4), {@code --vae-steps} (200), {@code --unet-steps} (400),
 * {@code --batch-size} (16), {@code --learning-rate} (0.002), {@code --kl-weight} (0.001), {@code --timesteps}
 * (100), {@code --beta-start} (0.0001), {@code --beta-end} (0.02), {@code --seed} (1).
 */
public final class TinyLatentDiffusion {
    /** The {@code --name} arguments this program accepts. */
    private static final Set<String> ARGUMENTS = Set.of(
            "batch-size", "beta-end", "beta-start", "frames", "identities", "kl-weight", "learning-rate", "out",
            "seed", "size", "timesteps", "unet-steps", "vae-steps");

    /** The UNet of the sample: two levels [8, 16], cross-attention in the first, an 8-wide empty prompt. */
    static final String UNET_JSON = """
            {"_class_name": "UNet2DConditionModel", "in_channels": 4, "out_channels": 4,
             "block_out_channels": [8, 16], "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"],
             "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"], "layers_per_block": 1,
             "norm_num_groups": 4, "attention_head_dim": 2, "cross_attention_dim": 8, "sample_size": %d}
            """;
    /** The autoencoder of the sample: two levels [8, 16] (one downsampling), 4 latent channels. */
    static final String VAE_JSON = """
            {"_class_name": "AutoencoderKL", "in_channels": 3, "out_channels": 3,
             "block_out_channels": [8, 16], "layers_per_block": 1, "latent_channels": 4, "norm_num_groups": 4,
             "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D"],
             "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D"], "sample_size": %d,
             "scaling_factor": %s}
            """;

    private TinyLatentDiffusion() {}

    /**
     * What to train.
     *
     * @param size image side (≥ 16, even)
     * @param identities rendered identities of the training set (the held-out set has a quarter as many, others)
     * @param framesPerIdentity frames per identity
     * @param vaeSteps autoencoder steps
     * @param unetSteps UNet steps
     * @param batchSize batch size of both stages
     * @param learningRate Adam's learning rate (both stages)
     * @param klWeight β_KL
     * @param timesteps T of the DDPM schedule
     * @param betaStart β_0 (linear schedule)
     * @param betaEnd β_{T−1}
     * @param seed rendering and initialisation seed
     */
    public record Settings(int size, int identities, int framesPerIdentity, int vaeSteps, int unetSteps,
                           int batchSize, double learningRate, double klWeight, int timesteps, double betaStart,
                           double betaEnd, long seed) {
        /** Validates. */
        public Settings {
            if (size < 16 || size % 2 != 0 || identities < 1 || framesPerIdentity < 1 || vaeSteps < 0
                    || unetSteps < 0 || batchSize < 1 || !(learningRate > 0) || !(klWeight >= 0) || timesteps < 2) {
                throw new IllegalArgumentException("tiny latent diffusion: size >= 16 and even; identities, frames, "
                        + "batch size >= 1; steps >= 0; learning rate > 0; kl weight >= 0; timesteps >= 2");
            }
        }

        /** @return the defaults of the benchmark */
        public static Settings defaults() {
            return new Settings(16, 64, 4, 200, 400, 16, 2e-3, 1e-3, 100, 1e-4, 0.02, 1);
        }
    }

    /**
     * What the pre-training measured.
     *
     * @param directory the written generator directory
     * @param vaeHeldOutBefore held-out reconstruction MSE (posterior mean) at initialisation
     * @param vaeHeldOutAfter after the autoencoder stage
     * @param scalingFactor the latent scale factor written to {@code vae/config.json}
     * @param unetHeldOutBefore held-out ε-prediction MSE (fixed timesteps and noise) at initialisation
     * @param unetHeldOutAfter after the UNet stage
     * @param settings what was trained
     */
    public record Result(String directory, double vaeHeldOutBefore, double vaeHeldOutAfter, double scalingFactor,
                         double unetHeldOutBefore, double unetHeldOutAfter, Settings settings) {}

    /**
     * Trains both stages and writes the directory.
     *
     * @param s the settings
     * @param out the directory to write ({@code unet/}, {@code vae/}, {@code scheduler/}, {@code pretraining.json})
     * @param log where progress lines go
     * @return the held-out losses
     * @throws IOException if the directory cannot be written
     */
    public static Result pretrain(Settings s, Path out, java.io.PrintStream log) throws IOException {
        Engine.getInstance().setRandomSeed((int) s.seed());
        Random rng = new Random(s.seed());
        SyntheticFaces faces = new SyntheticFaces(s.size());
        float[][] train = reals(faces, s.identities(), s.framesPerIdentity(), "pretrain", s.seed());
        float[][] heldOut = reals(faces, Math.max(1, s.identities() / 4), s.framesPerIdentity(), "pretrain-held-out",
                s.seed() * 31 + 17);
        NoiseSchedule schedule = new NoiseSchedule(s.timesteps(), s.betaStart(), s.betaEnd(),
                NoiseSchedule.BetaSchedule.LINEAR);
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            AutoencoderKL vae = new AutoencoderKL(AutoencoderKLConfig.parse(
                    VAE_JSON.formatted(s.size(), "1.0"), "tiny vae"));
            vae.initialize(m, DataType.FLOAT32);
            int evalCount = Math.min(heldOut.length, 64);
            NDArray heldImages = Owned.keep(images(m, heldOut, 0, evalCount, s.size()), m);

            double vaeBefore = reconstruction(vae, ps, heldImages);
            Adam adam = new Adam(vae, m, s.learningRate());
            for (int step = 0; step < s.vaeSteps(); step++) {
                try (NDScope scope = new NDScope()) {
                    NDArray x = images(m, train, rng, s.batchSize(), s.size());
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDList posterior = vae.encode(ps, x, true);
                        NDArray z = AutoencoderKL.sample(posterior, m.randomNormal(posterior.get(0).getShape()));
                        NDArray rec = vae.decode(ps, z, true).sub(x).square().mean();
                        NDArray mu = posterior.get(0);
                        NDArray logvar = posterior.get(1);
                        // ½(μ² + σ² − 1 − log σ²), averaged over every latent element
                        NDArray kl = Scalars.mul(Scalars.sub(mu.square().add(logvar.exp()).sub(logvar), 1f).mean(),
                                0.5f);
                        gc.backward(rec.add(Scalars.mul(kl, (float) s.klWeight())));
                    }
                    adam.step();
                }
                if ((step + 1) % 100 == 0) {
                    log.printf(Locale.ROOT, "vae step %d: held-out reconstruction %.5f%n", step + 1,
                            reconstruction(vae, ps, heldImages));
                }
            }
            double vaeAfter = reconstruction(vae, ps, heldImages);
            double scale = 1.0 / latentStd(vae, ps, m, train, s.size());
            vae.freezeParameters(true);
            log.printf(Locale.ROOT, "vae: held-out reconstruction MSE %.5f -> %.5f; latent scale factor %.5f%n",
                    vaeBefore, vaeAfter, scale);

            UNet2DConditionModel unet = new UNet2DConditionModel(UNet2DConditionConfig.parse(
                    UNET_JSON.formatted(s.size() / 2), "tiny unet"));
            unet.initialize(m, DataType.FLOAT32);
            int cad = unet.config().crossAttentionDim();
            NDArray heldLatents = Owned.keep(Scalars.mul(vae.encode(ps, heldImages, false).get(0), (float) scale), m);
            int[] heldT = new int[evalCount];
            for (int i = 0; i < evalCount; i++) {
                heldT[i] = (int) ((long) i * s.timesteps() / evalCount);
            }
            NDArray heldNoise = Owned.keep(m.randomNormal(heldLatents.getShape()), m);
            double unetBefore = epsilonLoss(unet, ps, schedule, heldLatents, heldT, heldNoise, cad);
            Adam unetAdam = new Adam(unet, m, s.learningRate());
            for (int step = 0; step < s.unetSteps(); step++) {
                try (NDScope scope = new NDScope()) {
                    NDArray x = images(m, train, rng, s.batchSize(), s.size());
                    NDArray z0 = Scalars.mul(vae.encode(ps, x, false).get(0), (float) scale).stopGradient();
                    int[] t = new int[s.batchSize()];
                    for (int i = 0; i < t.length; i++) {
                        t[i] = rng.nextInt(s.timesteps());
                    }
                    NDArray noise = m.randomNormal(z0.getShape());
                    NDArray zt = schedule.addNoise(z0, noise, t);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray eps = unet.forward(ps, zt, NoiseSchedule.timestepArray(zt, t),
                                m.zeros(new Shape(t.length, 1, cad)), true);
                        gc.backward(NoiseSchedule.epsilonLoss(eps, noise));
                    }
                    unetAdam.step();
                }
                if ((step + 1) % 250 == 0) {
                    log.printf(Locale.ROOT, "unet step %d: held-out epsilon loss %.5f%n", step + 1,
                            epsilonLoss(unet, ps, schedule, heldLatents, heldT, heldNoise, cad));
                }
            }
            double unetAfter = epsilonLoss(unet, ps, schedule, heldLatents, heldT, heldNoise, cad);
            log.printf(Locale.ROOT, "unet: held-out epsilon loss %.5f -> %.5f%n", unetBefore, unetAfter);

            Result result = new Result(out.toAbsolutePath().toString(), vaeBefore, vaeAfter, scale, unetBefore,
                    unetAfter, s);
            write(out, s, vae, unet, scale, result);
            return result;
        }
    }

    private static void write(Path out, Settings s, AutoencoderKL vae, UNet2DConditionModel unet, double scale,
                              Result result) throws IOException {
        Path unetDir = Files.createDirectories(out.resolve("unet"));
        Path vaeDir = Files.createDirectories(out.resolve("vae"));
        Path schedulerDir = Files.createDirectories(out.resolve("scheduler"));
        Files.writeString(unetDir.resolve("config.json"), UNET_JSON.formatted(s.size() / 2));
        Checkpoints.save(unet, unetDir.resolve(Diffusers.WEIGHTS));
        Files.writeString(vaeDir.resolve("config.json"), VAE_JSON.formatted(s.size(),
                String.format(Locale.ROOT, "%.8g", scale)));
        Checkpoints.save(vae, vaeDir.resolve(Diffusers.WEIGHTS));
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode scheduler = json.createObjectNode();
        scheduler.put("_class_name", "DDPMScheduler");
        scheduler.put("num_train_timesteps", s.timesteps());
        scheduler.put("beta_start", s.betaStart());
        scheduler.put("beta_end", s.betaEnd());
        scheduler.put("beta_schedule", "linear");
        scheduler.put("prediction_type", "epsilon");
        json.writeValue(schedulerDir.resolve("scheduler_config.json").toFile(), scheduler);
        json.writeValue(out.resolve("pretraining.json").toFile(), result);
    }

    /** Real faces only (no manipulation), C·H·W in [−1, 1]. */
    static float[][] reals(SyntheticFaces faces, int identities, int frames, String prefix, long seed) {
        List<SyntheticFaces.Sample> samples = faces.generate(identities, frames, List.of(), 0, 0.5, prefix, seed);
        float[][] out = new float[samples.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = toSigned(samples.get(i).image());
        }
        return out;
    }

    /** [0, 1] → [−1, 1], clamped as the {@code synthetic-swaps} data set does (mean / std 0.5). */
    static float[] toSigned(float[] unit) {
        float[] out = new float[unit.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(-1f, Math.min(1f, 2 * unit[i] - 1));
        }
        return out;
    }

    private static NDArray images(NDManager m, float[][] set, int from, int count, int size) {
        int n = set[0].length;
        float[] flat = new float[count * n];
        for (int i = 0; i < count; i++) {
            System.arraycopy(set[from + i], 0, flat, i * n, n);
        }
        return Owned.floats(m, flat, new Shape(count, SyntheticFaces.CHANNELS, size, size));
    }

    private static NDArray images(NDManager m, float[][] set, Random rng, int count, int size) {
        int n = set[0].length;
        float[] flat = new float[count * n];
        for (int i = 0; i < count; i++) {
            System.arraycopy(set[rng.nextInt(set.length)], 0, flat, i * n, n);
        }
        return Owned.floats(m, flat, new Shape(count, SyntheticFaces.CHANNELS, size, size));
    }

    private static double reconstruction(AutoencoderKL vae, ParameterStore ps, NDArray images) {
        try (NDScope scope = new NDScope()) {
            NDArray mean = vae.encode(ps, images, false).get(0);
            return vae.decode(ps, mean, false).sub(images).square().mean().getFloat();
        }
    }

    private static double latentStd(AutoencoderKL vae, ParameterStore ps, NDManager m, float[][] train, int size) {
        double sum = 0;
        double squares = 0;
        long count = 0;
        for (int from = 0; from < train.length; from += 64) {
            try (NDScope scope = new NDScope()) {
                int c = Math.min(64, train.length - from);
                float[] mu = vae.encode(ps, images(m, train, from, c, size), false).get(0).toFloatArray();
                for (float v : mu) {
                    sum += v;
                    squares += (double) v * v;
                }
                count += mu.length;
            }
        }
        double mean = sum / count;
        return Math.sqrt(Math.max(1e-12, squares / count - mean * mean));
    }

    private static double epsilonLoss(UNet2DConditionModel unet, ParameterStore ps, NoiseSchedule schedule,
                                      NDArray z0, int[] t, NDArray noise, int cad) {
        try (NDScope scope = new NDScope()) {
            NDArray zt = schedule.addNoise(z0, noise, t);
            NDArray eps = unet.forward(ps, zt, NoiseSchedule.timestepArray(zt, t),
                    z0.getManager().zeros(new Shape(t.length, 1, cad)), false);
            return NoiseSchedule.epsilonLoss(eps, noise).getFloat();
        }
    }

    /** The project's AdamW (no weight decay) over every parameter of a block; gradients are cleared after a step. */
    private static final class Adam {
        private final List<TrainableParameter> params = new ArrayList<>();
        private final AdamW adam;
        private final double learningRate;

        Adam(Block block, NDManager manager, double learningRate) {
            for (Map.Entry<String, Parameter> e : ParameterNames.of(block).entrySet()) {
                if (e.getValue().requiresGradient()) {
                    params.add(new TrainableParameter(e.getKey(), e.getValue(), "all", 1, 0));
                }
            }
            this.adam = new AdamW(manager, 0.9, 0.999, 1e-8);
            this.learningRate = learningRate;
        }

        void step() {
            for (TrainableParameter p : params) {
                NDArray g = p.parameter().getArray().getGradient();
                adam.update(p, g, learningRate);
                g.subi(g);
            }
            adam.endStep();
        }
    }

    /**
     * Runs the pre-training and prints its held-out losses.
     *
     * @param args {@code --name value} pairs, see the class comment
     * @throws IOException if the directory cannot be written
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        Map<String, String> o = BenchmarkArgs.parse(args, ARGUMENTS);
        Settings d = Settings.defaults();
        Settings s = new Settings(Integer.parseInt(o.getOrDefault("size", "" + d.size())),
                Integer.parseInt(o.getOrDefault("identities", "" + d.identities())),
                Integer.parseInt(o.getOrDefault("frames", "" + d.framesPerIdentity())),
                Integer.parseInt(o.getOrDefault("vae-steps", "" + d.vaeSteps())),
                Integer.parseInt(o.getOrDefault("unet-steps", "" + d.unetSteps())),
                Integer.parseInt(o.getOrDefault("batch-size", "" + d.batchSize())),
                Double.parseDouble(o.getOrDefault("learning-rate", "" + d.learningRate())),
                Double.parseDouble(o.getOrDefault("kl-weight", "" + d.klWeight())),
                Integer.parseInt(o.getOrDefault("timesteps", "" + d.timesteps())),
                Double.parseDouble(o.getOrDefault("beta-start", "" + d.betaStart())),
                Double.parseDouble(o.getOrDefault("beta-end", "" + d.betaEnd())),
                Long.parseLong(o.getOrDefault("seed", "" + d.seed())));
        Path out = Path.of(o.getOrDefault("out", "target/diffusionfake-generator"));
        Result r = pretrain(s, out, System.out);
        System.out.println();
        System.out.println("| stage | held-out loss at init | after training |");
        System.out.println("|---|---|---|");
        System.out.printf(Locale.ROOT, "| autoencoder (reconstruction MSE, %d steps) | %.5f | %.5f |%n",
                s.vaeSteps(), r.vaeHeldOutBefore(), r.vaeHeldOutAfter());
        System.out.printf(Locale.ROOT, "| UNet (epsilon MSE, %d steps) | %.5f | %.5f |%n", s.unetSteps(),
                r.unetHeldOutBefore(), r.unetHeldOutAfter());
        System.out.println("wrote " + out.toAbsolutePath() + " (unet/, vae/, scheduler/, pretraining.json)");
    }

}
