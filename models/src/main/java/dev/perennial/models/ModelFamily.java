package dev.perennial.models;

/**
 * The architecture families that cross-architecture distillation pairs up (cakd.md): what kind of stages a
 * backbone is made of.
 */
public enum ModelFamily {
    /** Convolutional stages (ResNet, MobileNetV2): local, spatially structured features. */
    CNN,
    /** Self-attention stages (ViT, CLIP): global token mixing. */
    ATTENTION,
    /** All-MLP stages (MLP-Mixer): token mixing by MLPs. */
    MLP
}
