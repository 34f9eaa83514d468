/** Shared model blocks; see the subpackages. */
package dev.perennial.models;
