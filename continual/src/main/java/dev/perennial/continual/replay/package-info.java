/**
 * Rehearsal baselines (specs/replay.md): {@code er} (experience replay with a reservoir or class-balanced buffer),
 * {@code der} and {@code derpp} (dark experience replay, Buzzega et al. NeurIPS 2020), {@code icarl} (herding
 * exemplars, nearest-mean-of-exemplars classifier, distillation; Rebuffi et al. CVPR 2017) and {@code gdumb}
 * (Prabhu et al. ECCV 2020). They share the SPI's {@link dev.perennial.spi.replay.ReplayBuffer}.
 *
 * <p><b>How replayed examples reach the loss.</b> The loop hands a learner only the current task's batch, and its
 * augmenters and sampler see only the current task's data; a learner cannot extend the task's data set. So each
 * learner draws from its memory inside {@link dev.perennial.spi.Learner#loss} and either concatenates the draw to
 * the stream batch before one forward pass (ER and iCaRL, Mammoth's {@code observe}) or computes the replay terms
 * on separate passes (DER, DER++). The draw is keyed by the step's seed, so a resumed run replays the same items.
 * The loop's augmenters transform only the stream part, before the learner sees it; the learner's own
 * {@code augmentation} (e.g. {@code crop-flip}) transforms the stream part and every draw, and the memory stores
 * the stream examples as the loop handed them (Mammoth: non-augmented images, re-augmented at every replay).
 */
package dev.perennial.continual.replay;
