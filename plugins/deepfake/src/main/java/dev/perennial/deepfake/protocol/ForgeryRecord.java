package dev.perennial.deepfake.protocol;

/**
 * One frame (or clip) of a deepfake data-set index (specs/deepfake.md §C.1, checklist C.5.4).
 *
 * @param path where the frame is, as the data set names it
 * @param method the forgery method id (e.g. {@code simswap}); {@code real} for reals by convention
 * @param family the forgery family ({@code FS}, {@code FR}, {@code EFS}, {@code FE}); empty for reals
 * @param domain the data domain ({@code ff}, {@code cdf}, …)
 * @param fake whether the frame is fake
 * @param videoId an id of the video unique across data sets (e.g. the full folder path), the key of video metrics
 *     and of validation splits
 * @param split the data set's own split, {@code train} or {@code test}
 */
public record ForgeryRecord(String path, String method, String family, String domain, boolean fake, String videoId,
                            String split) {

    /** Checks the fields. */
    public ForgeryRecord {
        require(path, "path");
        require(method, "method");
        family = family == null ? "" : family;
        require(domain, "domain");
        require(videoId, "video_id");
        if (!"train".equals(split) && !"test".equals(split)) {
            throw new IllegalArgumentException("forgery record " + path + ": split must be 'train' or 'test'; was '"
                    + split + "'");
        }
        if (fake && family.isEmpty()) {
            throw new IllegalArgumentException("forgery record " + path + ": a fake needs a family (FS, FR, EFS, FE)");
        }
    }

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("forgery record: field '" + field + "' is empty");
        }
    }
}
