/**
 * The Perennial SPI. Start at {@link dev.perennial.spi.PluginProvider} and the provider interface of the
 * kind you write ({@link dev.perennial.spi.LearnerProvider}, {@link dev.perennial.spi.AugmenterProvider}, ...).
 */
package dev.perennial.spi;
