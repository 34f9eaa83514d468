/** Continual-learning methods. */
package dev.perennial.continual;
