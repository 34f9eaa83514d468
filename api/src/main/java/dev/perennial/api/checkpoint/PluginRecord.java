package dev.perennial.api.checkpoint;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * A plugin's entry in a checkpoint manifest.
 *
 * @param slot where the plugin sits in the experiment, e.g. {@code learner}, {@code augmenter-0}
 * @param name the plugin's name
 * @param version the plugin's version when the checkpoint was written
 * @param stateSchemaVersion the version of its state layout
 * @param tensorFile the safetensors file of its state tensors (relative), or null
 * @param values its plain state values
 */
public record PluginRecord(@JsonProperty("slot") String slot, @JsonProperty("name") String name,
                           @JsonProperty("version") String version,
                           @JsonProperty("stateSchemaVersion") int stateSchemaVersion,
                           @JsonProperty("tensorFile") String tensorFile,
                           @JsonProperty("values") Map<String, Object> values) {}
