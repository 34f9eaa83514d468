/**
 * Loop-overhead benchmark (issue #11): the same training step of ViT-S/16, ResNet-18-CIFAR and a LLaMA block as a
 * bare DJL loop, through Perennial's shared loop, and in PyTorch eager, next to the GEMM throughput of the same
 * libtorch; and the throughput of the loop's data path on CIFAR-10.
 */
package dev.perennial.benchmarks.perf;
