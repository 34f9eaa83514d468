package dev.perennial.models;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link Backbone} pass produces.
 *
 * @param pooled the pooled feature vectors, {@code (N, featureDim)}
 * @param stages every stage output by stage name in forward order; the layout is the family's own
 *     ({@code (N, C, H, W)} for CNN stages, {@code (N, tokens, width)} for attention and MLP stages)
 */
public record BackboneFeatures(NDArray pooled, Map<String, NDArray> stages) {

    /** Validates and freezes the stage map (keeping its order). */
    public BackboneFeatures {
        Objects.requireNonNull(pooled, "pooled");
        stages = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(stages, "stages")));
    }

    /**
     * The output of one stage.
     *
     * @param name a name from {@link Backbone#stageNames()}
     * @return the stage output
     * @throws IllegalArgumentException if there is no stage of that name (the message lists the known ones)
     */
    public NDArray stage(String name) {
        NDArray out = stages.get(name);
        if (out == null) {
            throw new IllegalArgumentException("no stage named '" + name + "'; known stages: " + stages.keySet());
        }
        return out;
    }
}
