package dev.perennial.api.loop;

import ai.djl.nn.Parameter;

/**
 * A parameter the optimizer updates, with the settings of its group.
 *
 * @param name a run-unique name ({@code learner/<DJL path>} or {@code distiller-<name>/<DJL path>})
 * @param parameter the parameter
 * @param group the name of the group it fell into
 * @param learningRateScale multiplies the scheduled learning rate
 * @param weightDecay its weight decay
 */
public record TrainableParameter(String name, Parameter parameter, String group, double learningRateScale,
                                 double weightDecay) {}
