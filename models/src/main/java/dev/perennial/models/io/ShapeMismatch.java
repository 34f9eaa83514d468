package dev.perennial.models.io;

import ai.djl.ndarray.types.Shape;

/**
 * A checkpoint tensor whose shape differs from the parameter it maps to.
 *
 * @param checkpointName the name in the checkpoint
 * @param parameterName the name in the block
 * @param expected the parameter's shape
 * @param found the checkpoint tensor's shape
 */
public record ShapeMismatch(String checkpointName, String parameterName, Shape expected, Shape found) {
    @Override
    public String toString() {
        return (checkpointName.equals(parameterName) ? parameterName : checkpointName + " -> " + parameterName)
                + ": block expects " + expected + ", checkpoint has " + found;
    }
}
