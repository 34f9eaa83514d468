/** Perennial API. */
package dev.perennial.api;
