package dev.perennial.api.events;

import java.nio.file.Path;
import java.util.List;

/**
 * A run starts.
 *
 * @param experiment the experiment's name
 * @param runDirectory the run's folder
 * @param device the device, e.g. {@code cpu()}
 * @param tasks the task names
 * @param resumedFromTask the first task to train (0 unless resumed); the number of tasks when a resumed run had
 *     finished already and nothing is trained (its report is left as it was)
 */
public record RunStarted(String experiment, Path runDirectory, String device, List<String> tasks,
                         int resumedFromTask) {

    /**
     * Whether the run had finished already: every task is trained and nothing will run.
     *
     * @return {@code resumedFromTask >= tasks.size()}
     */
    public boolean finishedAlready() {
        return resumedFromTask >= tasks.size();
    }
}
