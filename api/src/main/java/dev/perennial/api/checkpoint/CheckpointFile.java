package dev.perennial.api.checkpoint;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A file of a checkpoint as it was written: its length and SHA-256, checked before a resume reads it.
 *
 * @param bytes its length
 * @param sha256 its SHA-256, lower-case hex
 */
public record CheckpointFile(@JsonProperty("bytes") long bytes, @JsonProperty("sha256") String sha256) {}
