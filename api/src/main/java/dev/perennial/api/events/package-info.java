/** Perennial API.events. */
package dev.perennial.api.events;
