/** The perennial command and sample experiments. */
package dev.perennial.samples;
