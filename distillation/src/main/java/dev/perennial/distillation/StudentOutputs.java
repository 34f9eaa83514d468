package dev.perennial.distillation;

import ai.djl.ndarray.NDArray;
import dev.perennial.spi.LossTerms;

/** Reads the learner's named outputs that a distiller needs, failing with a message that names the missing one. */
public final class StudentOutputs {
    private StudentOutputs() {}

    /**
     * One output.
     *
     * @param student the learner's terms
     * @param name the output's name
     * @param plugin the distiller, for the message
     * @param why what the distiller uses it for
     * @return the array
     * @throws IllegalStateException when the learner did not provide it
     */
    public static NDArray require(LossTerms student, String name, String plugin, String why) {
        return student.output(name).orElseThrow(() -> new IllegalStateException("distiller '" + plugin
                + "' needs the learner output '" + name + "' (" + why + "), but the learner returned only "
                + student.outputs().stream().map(NDArray::getName).toList()
                + "; use a learner that returns it with LossTerms.withOutput(\"" + name + "\", ...)"));
    }
}
