/** Perennial API.data. */
package dev.perennial.api.data;
