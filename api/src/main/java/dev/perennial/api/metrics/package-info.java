/** Perennial API.metrics. */
package dev.perennial.api.metrics;
