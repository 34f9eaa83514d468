/**
 * {@code ofa}: OFA-KD (Hao840/OFAKD), the OFA logit loss on the student's final logits and on projector heads of its
 * stages 1-4, a baseline of cakd.
 */
package dev.perennial.distillation.ofa;
