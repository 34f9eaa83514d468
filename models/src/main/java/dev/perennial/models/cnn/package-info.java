/** Convolutional backbones with torchvision parameter names: ResNet, MobileNetV2. */
package dev.perennial.models.cnn;
