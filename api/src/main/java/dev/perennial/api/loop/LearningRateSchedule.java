package dev.perennial.api.loop;

import dev.perennial.api.config.TrainingConfig;

/**
 * The learning rate at an optimizer step within a task: linear warm-up from 0, then constant or cosine decay.
 *
 * <p>Cosine (Loshchilov and Hutter, SGDR, 2017), for step s after warm-up W of S total steps:
 * {@code lr(s) = lr_min + ½ (lr_0 − lr_min) (1 + cos(π (s − W) / (S − W)))}; during warm-up
 * {@code lr(s) = lr_0 (s + 1) / W}.
 */
public final class LearningRateSchedule {
    private final TrainingConfig.Schedule kind;
    private final double base;
    private final double floor;
    private final int warmup;
    private final long total;

    /**
     * Creates the schedule of one task.
     *
     * @param config the training configuration
     * @param totalSteps the optimizer steps in the task
     */
    public LearningRateSchedule(TrainingConfig config, long totalSteps) {
        this.kind = config.schedule();
        this.base = config.learningRate();
        this.floor = Math.min(config.minLearningRate(), config.learningRate());
        this.warmup = config.warmupSteps();
        this.total = Math.max(1, totalSteps);
    }

    /**
     * The rate at a step.
     *
     * @param step the optimizer step within the task, from 0
     * @return the learning rate
     */
    public double at(long step) {
        if (step < warmup) {
            return base * (step + 1) / warmup;
        }
        if (kind == TrainingConfig.Schedule.CONSTANT) {
            return base;
        }
        long span = Math.max(1, total - warmup);
        double progress = Math.min(1.0, (double) (step - warmup) / span);
        return floor + 0.5 * (base - floor) * (1 + Math.cos(Math.PI * progress));
    }
}
