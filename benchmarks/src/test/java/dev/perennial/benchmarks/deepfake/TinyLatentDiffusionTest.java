package dev.perennial.benchmarks.deepfake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.perennial.models.diffusion.AutoencoderKL;
import dev.perennial.models.diffusion.Diffusers;
import dev.perennial.models.diffusion.NoiseSchedule;
import dev.perennial.models.diffusion.UNet2DConditionModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator pre-training of DiffusionFake's benchmark: a few steps of each stage lower its held-out loss (the
 * autoencoder's reconstruction error on unseen identities, the UNet's ε-prediction error at fixed timesteps and
 * noise), and the directory it writes is a diffusers generator that the {@code diffusionfake} distiller's loader
 * reads strictly, with the measured latent scale factor and the training schedule.
 */
class TinyLatentDiffusionTest {

    @Test
    void aFewStepsLowerTheHeldOutLossesAndTheDirectoryLoadsStrictly(@TempDir Path dir) throws Exception {
        TinyLatentDiffusion.Settings s = new TinyLatentDiffusion.Settings(16, 16, 2, 25, 25, 8, 3e-3, 1e-3, 100,
                1e-4, 0.02, 3);
        TinyLatentDiffusion.Result r = TinyLatentDiffusion.pretrain(s, dir,
                new PrintStream(new ByteArrayOutputStream(), true, java.nio.charset.StandardCharsets.UTF_8));
        System.out.printf("TinyLatentDiffusionTest: vae %.4f -> %.4f, unet %.4f -> %.4f, scale %.4f%n",
                r.vaeHeldOutBefore(), r.vaeHeldOutAfter(), r.unetHeldOutBefore(), r.unetHeldOutAfter(),
                r.scalingFactor());
        assertTrue(r.vaeHeldOutAfter() < r.vaeHeldOutBefore(), "held-out reconstruction " + r.vaeHeldOutBefore()
                + " -> " + r.vaeHeldOutAfter());
        assertTrue(r.unetHeldOutAfter() < r.unetHeldOutBefore(), "held-out epsilon loss " + r.unetHeldOutBefore()
                + " -> " + r.unetHeldOutAfter());
        assertTrue(r.scalingFactor() > 0 && Double.isFinite(r.scalingFactor()), "scale " + r.scalingFactor());
        try (NDManager m = NDManager.newBaseManager()) {
            AutoencoderKL vae = Diffusers.loadVae(dir.resolve("vae"), m);
            UNet2DConditionModel unet = Diffusers.loadUnet(dir.resolve("unet"), m);
            assertEquals(r.scalingFactor(), vae.config().scalingFactor(), 1e-5 * r.scalingFactor());
            assertEquals(8, unet.config().crossAttentionDim());
        }
        NoiseSchedule schedule = NoiseSchedule.read(dir.resolve("scheduler"));
        assertEquals(100, schedule.trainSteps());
        assertEquals(NoiseSchedule.BetaSchedule.LINEAR, schedule.kind());
    }
}
