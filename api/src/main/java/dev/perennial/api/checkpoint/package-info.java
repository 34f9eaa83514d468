/** Perennial API.checkpoint. */
package dev.perennial.api.checkpoint;
