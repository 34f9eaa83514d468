/**
 * The example plugin: {@code example-linear}, a linear softmax classifier, written the way a third party writes
 * a learner. Read it in this order: {@link dev.perennial.example.LinearSoftmaxProvider} (the factory the registry
 * discovers), {@link dev.perennial.example.LinearSoftmaxConfig} (what an experiment may set),
 * {@link dev.perennial.example.LinearSoftmaxLearner} (the method itself).
 */
package dev.perennial.example;
