package dev.perennial.spi;

import java.util.regex.Pattern;

/**
 * A declared capability or requirement of a plugin, e.g. {@code scenario:class-incremental} or
 * {@code needs:teacher}. The well-known values are constants here; plugins may declare their own.
 *
 * @param id lower-case words separated by a colon
 */
public record Capability(String id) {
    private static final Pattern FORM = Pattern.compile("[a-z][a-z0-9-]*(:[a-z0-9-]+)?");

    /** Supports class-incremental scenarios (labels are class ids). */
    public static final Capability CLASS_INCREMENTAL = new Capability("scenario:class-incremental");
    /**
     * Supports task-incremental evaluation: the learner returns class scores ({@link Predictions#ofScores}), so the
     * {@code task-accuracy} metric can restrict each prediction to the classes of the batch's task (SPI 1.2).
     */
    public static final Capability TASK_INCREMENTAL = new Capability("scenario:task-incremental");
    /** Supports domain-incremental scenarios: every task has the same classes, the inputs shift (SPI 1.2). */
    public static final Capability DOMAIN_INCREMENTAL = new Capability("scenario:domain-incremental");
    /** Supports instruction (text answer) scenarios. */
    public static final Capability INSTRUCTION = new Capability("scenario:instruction");
    /** Keeps state across tasks that must be checkpointed. */
    public static final Capability STATEFUL = new Capability("state:cross-task");
    /** Needs a frozen teacher model. */
    public static final Capability NEEDS_TEACHER = new Capability("needs:teacher");
    /** Needs per-pixel foreground masks in the batch (input named {@code mask}). */
    public static final Capability NEEDS_MASKS = new Capability("needs:masks");
    /** Needs per-sample losses in {@link LossTerms#perSampleLoss()}. */
    public static final Capability NEEDS_PER_SAMPLE_LOSS = new Capability("needs:per-sample-loss");
    /** Runs only on a GPU. */
    public static final Capability GPU_ONLY = new Capability("device:gpu-only");

    /**
     * Validates the id.
     *
     * @throws IllegalArgumentException when the id is not lower-case words with at most one colon
     */
    public Capability {
        if (id == null || !FORM.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    "capability '" + id + "' must be lower-case words, optionally 'group:value', e.g. needs:teacher");
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
