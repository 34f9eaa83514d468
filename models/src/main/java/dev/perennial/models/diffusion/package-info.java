/**
 * Latent diffusion in DJL blocks: the conditional UNet ({@link dev.perennial.models.diffusion.UNet2DConditionModel})
 * and the KL autoencoder ({@link dev.perennial.models.diffusion.AutoencoderKL}) with Hugging Face diffusers'
 * parameter names (a Stable Diffusion {@code unet/} and {@code vae/} directory loads strictly through
 * {@link dev.perennial.models.diffusion.Diffusers}), the DDPM noise schedule and ε-prediction loss
 * ({@link dev.perennial.models.diffusion.NoiseSchedule}), and DDIM sampling with classifier-free guidance
 * ({@link dev.perennial.models.diffusion.DdimSampler}).
 */
package dev.perennial.models.diffusion;
