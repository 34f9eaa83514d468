package dev.perennial.models.io;

/**
 * A strict load found missing, unexpected or mis-shaped tensors; nothing was copied. The message lists every
 * name; {@link #report()} has them as data.
 */
public class WeightLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient LoadReport report;

    /**
     * Creates the exception.
     *
     * @param source what was being loaded (e.g. the checkpoint path)
     * @param report the full report
     */
    public WeightLoadException(String source, LoadReport report) {
        super("checkpoint " + source + " does not match the block (strict load; use a NameMap to rename or drop "
                + "tensors, or a lenient load to accept the differences): " + report.describe());
        this.report = report;
    }

    /**
     * The report of the failed load.
     *
     * @return the report
     */
    public LoadReport report() {
        return report;
    }
}
