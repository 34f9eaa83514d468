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
 * @param resumedFromTask the first task to train (0 unless resumed)
 */
public record RunStarted(String experiment, Path runDirectory, String device, List<String> tasks,
                         int resumedFromTask) {}
