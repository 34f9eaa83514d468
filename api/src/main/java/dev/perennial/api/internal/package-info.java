/** Perennial API.internal. */
package dev.perennial.api.internal;
