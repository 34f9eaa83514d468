/** Perennial API.config. */
package dev.perennial.api.config;
