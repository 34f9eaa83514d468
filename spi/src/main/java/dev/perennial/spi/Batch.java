package dev.perennial.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A batch as the loop hands it to augmenters, learners and distillers. Its arrays live in the step's manager
 * and are valid only during the step.
 *
 * @param inputs named inputs, each with the batch on axis 0, e.g. {@code image} (B×C×H×W, float32)
 * @param labels class ids (B, int64), or empty for instruction data
 * @param labelMix a second label and its weight per sample, when an augmenter mixed two examples
 * @param sampleIds the data set id of each sample (of the first sample, when mixed)
 * @param task the task the batch belongs to
 * @param texts named texts, one list of B strings per name, e.g. {@code question} and {@code answer}
 */
public record Batch(NDList inputs, Optional<NDArray> labels, Optional<LabelMix> labelMix, long[] sampleIds,
                    int task, Map<String, List<String>> texts) {

    /** Checks that every part has the same batch size. */
    public Batch {
        texts = Map.copyOf(texts);
        sampleIds = sampleIds.clone();
        int n = sampleIds.length;
        for (NDArray input : inputs) {
            if (input.getShape().dimension() == 0 || input.getShape().get(0) != n) {
                throw new IllegalArgumentException("batch input '" + input.getName() + "' has shape "
                        + input.getShape() + " but the batch holds " + n + " samples");
            }
        }
        labels.ifPresent(l -> {
            if (l.getShape().dimension() != 1 || l.getShape().get(0) != n) {
                throw new IllegalArgumentException("batch labels have shape " + l.getShape()
                        + "; expected (" + n + ")");
            }
        });
        for (Map.Entry<String, List<String>> e : texts.entrySet()) {
            if (e.getValue().size() != n) {
                throw new IllegalArgumentException("batch text '" + e.getKey() + "' has " + e.getValue().size()
                        + " entries but the batch holds " + n + " samples");
            }
        }
    }

    /**
     * The number of samples.
     *
     * @return the batch size
     */
    public int size() {
        return sampleIds.length;
    }

    @Override
    public long[] sampleIds() {
        return sampleIds.clone();
    }

    /**
     * The input of that name.
     *
     * @param name e.g. {@code image}
     * @return the array
     * @throws IllegalArgumentException naming the inputs that exist when there is none of that name
     */
    public NDArray input(String name) {
        NDArray a = inputs.get(name);
        if (a == null) {
            throw new IllegalArgumentException("batch has no input '" + name + "'; it has "
                    + inputs.stream().map(NDArray::getName).toList());
        }
        return a;
    }

    /**
     * Whether there is an input of that name.
     *
     * @param name the name
     * @return true when present
     */
    public boolean hasInput(String name) {
        return inputs.get(name) != null;
    }

    /**
     * The labels, for methods that need them.
     *
     * @return the labels
     * @throws IllegalStateException when the batch is unlabelled
     */
    public NDArray requireLabels() {
        return labels.orElseThrow(() -> new IllegalStateException(
                "this method needs class labels but the batch of task " + task + " has none"));
    }

    /**
     * The same batch with one input replaced (or added). The new array keeps the name.
     *
     * @param name the input's name
     * @param value the new array, batch on axis 0
     * @return a new batch
     */
    public Batch withInput(String name, NDArray value) {
        NDList out = new NDList(inputs.size() + 1);
        boolean replaced = false;
        for (NDArray a : inputs) {
            if (name.equals(a.getName())) {
                out.add(value);
                replaced = true;
            } else {
                out.add(a);
            }
        }
        if (!replaced) {
            out.add(value);
        }
        value.setName(name);
        return new Batch(out, labels, labelMix, sampleIds, task, texts);
    }

    /**
     * The same batch with a label mix.
     *
     * @param mix the mix
     * @return a new batch
     */
    public Batch withLabelMix(LabelMix mix) {
        return new Batch(inputs, labels, Optional.of(mix), sampleIds, task, texts);
    }

    /**
     * The same batch with other labels.
     *
     * @param newLabels the labels (B, int64)
     * @return a new batch
     */
    public Batch withLabels(NDArray newLabels) {
        return new Batch(inputs, Optional.of(newLabels), labelMix, sampleIds, task, texts);
    }

    @Override
    public String toString() {
        return "Batch[task=" + task + " size=" + size() + " inputs="
                + inputs.stream().map(a -> a.getName() + a.getShape()).toList() + " ids="
                + Arrays.toString(Arrays.copyOf(sampleIds, Math.min(4, sampleIds.length))) + "...]";
    }
}
