/**
 * DiffusionFake (spec Part D): a training-only head that makes a frozen latent-diffusion UNet
 * ({@code dev.perennial.models.diffusion}) reconstruct a forgery's source and target faces from the detector's
 * features, through the Feature Filter and Weight modules, with two reconstruction and two weight-regression losses.
 * Nothing of it is kept in the exported detector.
 */
package dev.perennial.deepfake.diffusionfake;
