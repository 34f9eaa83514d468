package dev.perennial.spi;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parameters whose name matches a pattern, trained with a learning-rate multiplier and their own weight decay.
 *
 * @param name the group's name, for reports
 * @param pattern a regular expression matched against the whole parameter name (DJL's path, e.g.
 *                {@code 01head_weight}, or the block's own name map)
 * @param learningRateScale multiplies the experiment's learning rate
 * @param weightDecay the decoupled weight decay of this group, or {@code NaN} to keep the optimizer's
 */
public record ParameterGroup(String name, String pattern, double learningRateScale, double weightDecay) {
    /** Validates. */
    public ParameterGroup {
        try {
            Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("parameter group '" + name + "': pattern '" + pattern
                    + "' is not a regular expression: " + e.getDescription(), e);
        }
        if (!(learningRateScale >= 0) || Double.isInfinite(learningRateScale)) {
            throw new IllegalArgumentException("parameter group '" + name + "': learningRateScale must be a finite"
                    + " number >= 0, was " + learningRateScale);
        }
    }

    /**
     * Whether a parameter belongs to this group.
     *
     * @param parameterName the parameter's name
     * @return true on a whole-name match
     */
    public boolean matches(String parameterName) {
        return Pattern.matches(pattern, parameterName);
    }
}
