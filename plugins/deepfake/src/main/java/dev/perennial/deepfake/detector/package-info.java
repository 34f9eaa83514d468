/**
 * The {@code deepfake-detector} learner: a ResNet real / fake classifier that also returns a stage's feature map
 * (for the {@code diffusionfake} distiller).
 */
package dev.perennial.deepfake.detector;
