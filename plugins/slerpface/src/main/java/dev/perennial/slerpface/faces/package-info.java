/**
 * The {@code generated-faces} data set: faces rendered in Java from identity parameters with per-image nuisance,
 * for training and testing the SlerpFace pipeline offline.
 */
package dev.perennial.slerpface.faces;
