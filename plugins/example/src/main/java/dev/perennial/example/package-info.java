/** The example plugin. */
package dev.perennial.example;
