package dev.perennial.slerpface.baseline;

/**
 * The {@code none} protector has nothing to configure.
 */
public record NoProtectionConfig() {}
