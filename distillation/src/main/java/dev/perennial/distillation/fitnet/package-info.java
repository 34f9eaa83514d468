/** {@code fitnet}: FitNets-style feature regression through a learnable regressor, a baseline of cakd. */
package dev.perennial.distillation.fitnet;
