/**
 * Pieces shared by the learners that build on a pre-trained model (PTM): the cosine head with a learnable scale,
 * class prototypes, the random projection and ridge-regression (RanPAC) head, the PTM backbone configuration,
 * and the baselines {@code simplecil}, {@code aper}, {@code ranpac} and {@code ptm-finetune}.
 */
package dev.perennial.continual.ptm;
