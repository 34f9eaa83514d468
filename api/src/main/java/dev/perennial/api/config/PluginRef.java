package dev.perennial.api.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.spi.PluginProvider;

/**
 * A plugin as an experiment names it: {@code learner: finetune} or
 * {@code learner: {name: finetune, config: {lr: 0.1}}}.
 *
 * @param name the plugin's name
 * @param config its configuration fields (those left out take the plugin's defaults)
 */
public record PluginRef(@JsonProperty("name") String name, @JsonProperty("config") ObjectNode config) {

    /** Validates the name. */
    @JsonCreator
    public PluginRef {
        if (name == null || !PluginProvider.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("plugin name '" + Abbreviated.value(name) + "' must match "
                    + PluginProvider.NAME + " (lower-case letters, digits, dashes; at most 63 characters)");
        }
        if (config == null) {
            config = JsonNodeFactory.instance.objectNode();
        }
    }

    /**
     * The short form: a bare name.
     *
     * @param name the plugin's name
     * @return the reference with default configuration
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static PluginRef of(String name) {
        return new PluginRef(name, null);
    }

    /**
     * A reference with configuration.
     *
     * @param name the plugin's name
     * @param config the fields
     * @return the reference
     */
    public static PluginRef of(String name, JsonNode config) {
        if (config != null && !config.isObject()) {
            throw new IllegalArgumentException("configuration of plugin '" + Abbreviated.value(name)
                    + "' must be an object, was "
                    + config.getNodeType());
        }
        return new PluginRef(name, config == null ? null : ((ObjectNode) config).deepCopy());
    }
}
