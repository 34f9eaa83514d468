package dev.perennial.models.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.perennial.models.cnn.GoldenCheck;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.models.io.TensorSource;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The diffusion blocks against {@code tools/goldens/diffusion_goldens.py}, a PyTorch reference written from the
 * published architecture: tiny random UNet and VAE directories in the diffusers layout load strictly, and the UNet
 * forward, VAE encode/decode, the noise schedules, classifier-free guidance and DDIM steps agree within 1e-4.
 */
class DiffusionGoldenTest {
    static final Path DIR = Path.of("src/test/resources/goldens/diffusion");

    @Test
    void unetForwardMatchesTheReference() throws IOException {
        try (NDManager m = NDManager.newBaseManager();
                TensorSource io = Checkpoints.open(DIR.resolve("unet_tiny_io.safetensors"))) {
            UNet2DConditionModel unet = Diffusers.loadUnet(DIR.resolve("unet_tiny"), m);
            assertEquals(java.util.List.of(8, 16, 16), unet.config().blockOutChannels());
            ParameterStore ps = new ParameterStore(m, false);
            NDArray sample = io.read("__sample", m);
            NDArray t = io.read("__timestep", m);
            NDArray context = io.read("__context", m);
            GoldenCheck.assertClose(io.read("__out", m), unet.forward(ps, sample, t, context, false), "unet out");
            GoldenCheck.assertClose(io.read("__out_uncond", m),
                    unet.forward(ps, sample, t, context.zerosLike(), false), "unet out, null context");
            // ControlNet-style residuals: zeros change nothing, a residual on one skip changes the output.
            java.util.List<ai.djl.ndarray.types.Shape> shapes = unet.skipShapes(2, 8, 8);
            assertEquals(unet.config().blockOutChannels().size() * (unet.config().layersPerBlock() + 1) + 1,
                    shapes.size());
            java.util.List<NDArray> zeros = new java.util.ArrayList<>();
            for (ai.djl.ndarray.types.Shape shape : shapes.subList(0, shapes.size() - 1)) {
                zeros.add(m.zeros(shape));
            }
            NDArray plain = unet.forward(ps, sample, t, context, false);
            NDArray zeroRes = unet.forward(ps, sample, t, context, zeros, m.zeros(shapes.get(shapes.size() - 1)),
                    false);
            assertEquals(0f, plain.sub(zeroRes).abs().max().getFloat());
            java.util.List<NDArray> one = new java.util.ArrayList<>(zeros);
            one.set(2, m.ones(shapes.get(2)));
            assertTrue(plain.sub(unet.forward(ps, sample, t, context, one, null, false)).abs().max().getFloat()
                    > 1e-3f);
            IllegalArgumentException wrong = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class,
                    () -> unet.forward(ps, sample, t, context, zeros.subList(1, zeros.size()), null, false));
            assertTrue(wrong.getMessage().contains("down residuals expected"), wrong.getMessage());
            // The DJL entry point takes [sample, timesteps, context].
            GoldenCheck.assertClose(io.read("__out", m),
                    unet.forward(ps, new NDList(sample, t, context), false).head(), "unet block forward");
        }
    }

    @Test
    void vaeEncodeAndDecodeMatchTheReference() throws IOException {
        try (NDManager m = NDManager.newBaseManager();
                TensorSource io = Checkpoints.open(DIR.resolve("vae_tiny_io.safetensors"))) {
            AutoencoderKL vae = Diffusers.loadVae(DIR.resolve("vae_tiny"), m);
            assertEquals(0.18215f, vae.config().scalingFactor());
            ParameterStore ps = new ParameterStore(m, false);
            NDList posterior = vae.encode(ps, io.read("__image", m), false);
            GoldenCheck.assertClose(io.read("__mean", m), posterior.get(0), "vae mean");
            GoldenCheck.assertClose(io.read("__logvar", m), posterior.get(1), "vae logvar");
            GoldenCheck.assertClose(io.read("__decoded", m), vae.decode(ps, io.read("__latent", m), false),
                    "vae decoded");
            NDArray z = io.read("__latent", m);
            GoldenCheck.assertClose(z, vae.fromDiffusionLatent(vae.toDiffusionLatent(z)), "latent scaling");
        }
    }

    @Test
    void schedulesGuidanceAndDdimStepsMatchTheReference() throws IOException {
        try (NDManager m = NDManager.newBaseManager();
                TensorSource io = Checkpoints.open(DIR.resolve("ddim_step.safetensors"));
                TensorSource unetIo = Checkpoints.open(DIR.resolve("unet_tiny_io.safetensors"))) {
            NoiseSchedule sd = NoiseSchedule.stableDiffusion();
            NoiseSchedule linear = new NoiseSchedule(1000, 0.0001, 0.02, NoiseSchedule.BetaSchedule.LINEAR);
            float[] scaled = io.read("__alphas_cumprod_scaled", m).toFloatArray();
            float[] lin = io.read("__alphas_cumprod_linear", m).toFloatArray();
            for (int t = 0; t < 1000; t++) {
                assertEquals(scaled[t], sd.alphaCumprod(t), 1e-6, "scaled_linear alpha_cumprod " + t);
                assertEquals(lin[t], linear.alphaCumprod(t), 1e-6, "linear alpha_cumprod " + t);
            }
            DdimSampler ddim = new DdimSampler(sd, 50, 0f, false, 1);
            long[] expected = io.read("__timesteps", m).toLongArray();
            int[] got = ddim.timesteps();
            assertArrayEquals(java.util.Arrays.stream(expected).mapToInt(v -> (int) v).toArray(), got);

            NDArray guided = DdimSampler.guide(unetIo.read("__out_uncond", m), unetIo.read("__out", m), 7.5f);
            GoldenCheck.assertClose(io.read("__guided", m), guided, "classifier-free guidance");
            NDArray x = unetIo.read("__sample", m);
            GoldenCheck.assertClose(io.read("__step_eta0", m), ddim.step(guided, got[0], x, null), "ddim eta 0");
            DdimSampler stochastic = new DdimSampler(sd, 50, 0.5f, false, 1);
            GoldenCheck.assertClose(io.read("__step_eta05", m),
                    stochastic.step(guided, got[0], x, io.read("__noise", m)), "ddim eta 0.5");
            GoldenCheck.assertClose(io.read("__step_last", m), ddim.step(guided, got[got.length - 1], x, null),
                    "ddim last step (to alpha_0)");
            assertTrue(ddim.previous(got[got.length - 1]) < 0);
        }
    }
}
