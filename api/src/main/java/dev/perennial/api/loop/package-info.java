/** Perennial API.loop. */
package dev.perennial.api.loop;
