package dev.perennial.samples.sweep;

import dev.perennial.api.config.ExperimentConfig;
import java.util.List;
import java.util.Map;

/**
 * One point of a sweep's grid.
 *
 * @param index the point's position in the grid (the last axis varies fastest)
 * @param name the point's name, {@code SWEEP-LEARNER-sSEED} and {@code -K} when there are other axes (K: the
 *     position among the other axes' values); it names the point's folder and its run
 * @param learner the learner's label: its name, with {@code -N} added when the learner axis names it N > 1 times
 * @param seed the run seed
 * @param axisValues every axis's value at this point, by axis path, as YAML flow text (or the value's name from the
 *     sweep file's {@code labels}; a seed that brings settings: its number)
 * @param overrides the {@code --set} arguments that make the point from the base experiment, in order
 * @param config the point's experiment, validated
 */
public record SweepPoint(int index, String name, String learner, long seed, Map<String, String> axisValues,
                         List<String> overrides, ExperimentConfig config) {
    /** Copies the collections. */
    public SweepPoint {
        axisValues = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(axisValues));
        overrides = List.copyOf(overrides);
    }

    /**
     * The group this point is averaged in: its name without the seed.
     *
     * @return learner and the other axes' position
     */
    public String group() {
        return name.replaceFirst("-s-?\\d+(?=(-\\d+)?$)", "");
    }
}
