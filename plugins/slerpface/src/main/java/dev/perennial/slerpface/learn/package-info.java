/**
 * The trained part of SlerpFace: {@link dev.perennial.slerpface.learn.SlerpFaceLearner} ({@code slerpface-grouping})
 * trains a ResNet recogniser from {@code models/} with a 1×1 group head and the softmax group-weight attention in
 * the shared loop, and extracts templates in the layout {@link dev.perennial.slerpface.SlerpProtector} protects.
 */
package dev.perennial.slerpface.learn;
