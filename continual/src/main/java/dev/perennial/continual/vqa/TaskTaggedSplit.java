package dev.perennial.continual.vqa;

import dev.perennial.spi.DatasetSplit;

/**
 * A split that knows the instruction task of every example without decoding it (decoding means reading an
 * image), so the {@code instruction} scenario can cut it into tasks cheaply.
 */
public interface TaskTaggedSplit extends DatasetSplit {
    /** The example text that names the example's task. */
    String TASK_TEXT = "task";

    /**
     * The task name of every example.
     *
     * @return names indexed like {@link #get}
     */
    String[] taskNames();
}
