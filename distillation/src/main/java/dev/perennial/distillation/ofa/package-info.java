/** {@code ofa}: the OFA logit loss alone (OFA-KD's modulated soft-target cross-entropy), a baseline of cakd. */
package dev.perennial.distillation.ofa;
