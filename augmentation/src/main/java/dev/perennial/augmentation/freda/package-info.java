/**
 * FreDA, the frequency data augmentation of the quality-centric deepfake framework (Song et al.,
 * arXiv:2411.05335; specs/deepfake.md §A.1.2): the low frequencies of a fake image are replaced by those of
 * its corresponding real image, x_a = Re(iFFT2(FFT2(x_r)·M + FFT2(x_f)·(1 − M))), per channel, so that
 * obvious low-frequency forgery traces are softened while the fake's high-frequency content stays.
 * {@link dev.perennial.augmentation.freda.FrequencyMix} is the pure function other modules call;
 * {@link dev.perennial.augmentation.freda.FredaAugmenter} applies it to the fakes of a batch.
 */
package dev.perennial.augmentation.freda;
