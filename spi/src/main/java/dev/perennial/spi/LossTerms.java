package dev.perennial.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Named scalar loss terms, as learners and distillers return them; the loop multiplies each by the weight the
 * experiment gives that name (1 by default) and sums them before the backward pass.
 *
 * <p>Alongside the terms a learner may return named outputs (e.g. {@code logits}, {@code features}) that
 * distillers read, and the per-sample loss that curriculum samplers read.
 */
public final class LossTerms {
    private final Map<String, NDArray> terms;
    private final NDList outputs;
    private final NDArray perSampleLoss;

    private LossTerms(Map<String, NDArray> terms, NDList outputs, NDArray perSampleLoss) {
        this.terms = Collections.unmodifiableMap(terms);
        this.outputs = outputs;
        this.perSampleLoss = perSampleLoss;
    }

    /**
     * One term.
     *
     * @param name the term's name, matching {@link PluginProvider#NAME}
     * @param value a scalar
     * @return the terms
     */
    public static LossTerms of(String name, NDArray value) {
        return new LossTerms(new LinkedHashMap<>(), new NDList(), null).and(name, value);
    }

    /**
     * No terms (e.g. a distiller that has nothing to add on this batch).
     *
     * @return empty terms
     */
    public static LossTerms none() {
        return new LossTerms(new LinkedHashMap<>(), new NDList(), null);
    }

    /**
     * These terms plus one more.
     *
     * @param name the term's name
     * @param value a scalar
     * @return new terms
     * @throws IllegalArgumentException when the name is taken or malformed, or the value is not a scalar
     */
    public LossTerms and(String name, NDArray value) {
        if (!PluginProvider.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("loss term name '" + name + "' must match " + PluginProvider.NAME);
        }
        if (terms.containsKey(name)) {
            throw new IllegalArgumentException("loss term '" + name + "' is given twice");
        }
        if (value.getShape().size() != 1) {
            throw new IllegalArgumentException("loss term '" + name + "' must be a scalar, has shape "
                    + value.getShape());
        }
        Map<String, NDArray> next = new LinkedHashMap<>(terms);
        next.put(name, value);
        return new LossTerms(next, outputs, perSampleLoss);
    }

    /**
     * These terms with a named output attached.
     *
     * @param name e.g. {@code logits}
     * @param value the array
     * @return new terms
     */
    public LossTerms withOutput(String name, NDArray value) {
        NDList next = new NDList(outputs);
        value.setName(name);
        next.add(value);
        return new LossTerms(new LinkedHashMap<>(terms), next, perSampleLoss);
    }

    /**
     * These terms with the per-sample loss attached (B, float32).
     *
     * @param value per-sample losses
     * @return new terms
     */
    public LossTerms withPerSampleLoss(NDArray value) {
        return new LossTerms(new LinkedHashMap<>(terms), outputs, value);
    }

    /**
     * All terms with other terms added; names must not collide.
     *
     * @param other more terms
     * @return new terms
     */
    public LossTerms plus(LossTerms other) {
        LossTerms out = this;
        for (Map.Entry<String, NDArray> e : other.terms.entrySet()) {
            out = out.and(e.getKey(), e.getValue());
        }
        return out;
    }

    /**
     * The terms in the order they were added.
     *
     * @return name to scalar
     */
    public Map<String, NDArray> terms() {
        return terms;
    }

    /**
     * Named outputs for distillers.
     *
     * @return the outputs
     */
    public NDList outputs() {
        return outputs;
    }

    /**
     * The output of that name.
     *
     * @param name the name
     * @return the output, if present
     */
    public Optional<NDArray> output(String name) {
        return Optional.ofNullable(outputs.get(name));
    }

    /**
     * The per-sample loss, if the learner gave one.
     *
     * @return per-sample losses
     */
    public Optional<NDArray> perSampleLoss() {
        return Optional.ofNullable(perSampleLoss);
    }
}
