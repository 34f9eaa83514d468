/** Perennial API.registry. */
package dev.perennial.api.registry;
