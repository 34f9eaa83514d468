package dev.perennial.models.io;

import java.util.List;

/**
 * What loading a checkpoint into a block did, by name.
 *
 * @param loaded parameters that received a tensor (block names)
 * @param missing parameters no checkpoint tensor mapped to (block names)
 * @param unexpected checkpoint tensors that map to no parameter (checkpoint names, with the mapped name when the
 *     name map changed it: {@code "ckpt -> mapped"})
 * @param mismatched tensors whose shape differs from their parameter's
 * @param skipped checkpoint tensors dropped on purpose, by the name map or an ignore pattern (checkpoint names)
 */
public record LoadReport(
        List<String> loaded,
        List<String> missing,
        List<String> unexpected,
        List<ShapeMismatch> mismatched,
        List<String> skipped) {

    /** Freezes the lists. */
    public LoadReport {
        loaded = List.copyOf(loaded);
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
        mismatched = List.copyOf(mismatched);
        skipped = List.copyOf(skipped);
    }

    /**
     * Whether every parameter was loaded and every tensor was used (skipped tensors aside).
     *
     * @return true if nothing is missing, unexpected or mis-shaped
     */
    public boolean isComplete() {
        return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty();
    }

    /**
     * A multi-line human-readable account, listing every problem name.
     *
     * @return the text
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(loaded.size()).append(" loaded, ").append(missing.size()).append(" missing, ")
                .append(unexpected.size()).append(" unexpected, ").append(mismatched.size())
                .append(" mis-shaped, ").append(skipped.size()).append(" skipped");
        list(sb, "missing (in the block, not in the checkpoint)", missing);
        list(sb, "unexpected (in the checkpoint, not in the block)", unexpected);
        list(sb, "mis-shaped", mismatched.stream().map(ShapeMismatch::toString).toList());
        return sb.toString();
    }

    private static void list(StringBuilder sb, String title, List<String> names) {
        if (!names.isEmpty()) {
            sb.append("\n  ").append(title).append(":");
            for (String n : names) {
                sb.append("\n    ").append(n);
            }
        }
    }
}
