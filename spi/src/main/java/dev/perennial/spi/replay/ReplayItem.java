package dev.perennial.spi.replay;

import dev.perennial.spi.Feature;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One stored example: host (Java heap) copies of its named float32 inputs (one example, no batch axis), its label, and
 * optionally the logits a learner recorded when it was stored (DER's targets). Immutable: the arrays are copied in
 * and out, so stored logits never change after insertion (DER's targets are never refreshed).
 *
 * @param sampleId the data set id of the example
 * @param task the task it came from
 * @param label its class id
 * @param inputs named inputs with their shapes, e.g. {@code image} of shape C×H×W
 * @param logits the logits recorded at insertion, when the learner keeps them
 */
public record ReplayItem(long sampleId, int task, long label, Map<String, Feature.Floats> inputs,
                         Optional<float[]> logits) {

    /** Copies every array. */
    public ReplayItem {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("a replay item needs at least one input");
        }
        inputs = java.util.Collections.unmodifiableMap(copyOf(inputs));
        logits = logits.map(float[]::clone);
    }

    /**
     * A copy of one input's values.
     *
     * @param name the input's name
     * @return its values
     * @throws IllegalArgumentException naming the inputs stored when there is none of that name
     */
    public float[] input(String name) {
        Feature.Floats v = inputs.get(name);
        if (v == null) {
            throw new IllegalArgumentException("replay item has no input '" + name + "'; it has " + inputs.keySet());
        }
        return v.values().clone();
    }

    @Override
    public Map<String, Feature.Floats> inputs() {
        return copyOf(inputs);
    }

    private static Map<String, Feature.Floats> copyOf(Map<String, Feature.Floats> inputs) {
        Map<String, Feature.Floats> copy = new LinkedHashMap<>();
        inputs.forEach((k, v) -> copy.put(k, new Feature.Floats(v.values().clone(), v.shape())));
        return copy;
    }

    @Override
    public Optional<float[]> logits() {
        return logits.map(float[]::clone);
    }

    /**
     * The heap bytes of the stored values: 4 per float, 8 for the label, 8 for the id, 4 for the task.
     *
     * @return bytes
     */
    public long bytes() {
        long b = 8 + 8 + 4;
        for (Feature.Floats v : inputs.values()) {
            b += 4L * v.values().length;
        }
        return b + logits.map(l -> 4L * l.length).orElse(0L);
    }

    /**
     * Whether two items hold the same values (records compare arrays by identity).
     *
     * @param other the other item
     * @return true when id, task, label, every input and the logits are equal
     */
    public boolean sameAs(ReplayItem other) {
        if (sampleId != other.sampleId || task != other.task || label != other.label
                || !inputs.keySet().equals(other.inputs.keySet())) {
            return false;
        }
        for (Map.Entry<String, Feature.Floats> e : inputs.entrySet()) {
            Feature.Floats o = other.inputs.get(e.getKey());
            if (!Arrays.equals(e.getValue().values(), o.values()) || !Arrays.equals(e.getValue().shape(), o.shape())) {
                return false;
            }
        }
        if (logits.isPresent() != other.logits.isPresent()) {
            return false;
        }
        return logits.isEmpty() || Arrays.equals(logits.get(), other.logits.get());
    }
}
