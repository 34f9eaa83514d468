package dev.perennial.deepfake.curriculum;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * QCF's static assessment (specs/deepfake.md §A.1.1, checklist A.3.1): q = cos(φ(x_fake), φ(x_ref)), the cosine of
 * identity embeddings of a fake and its reference frame (the source identity in the most plausible reading,
 * UNVERIFIED), with φ an injected {@link IdentityEmbedder} (ArcFace in production). Run offline; write the scores
 * with {@link #write} and point {@code quality-curriculum}'s {@code staticScoresFile} at the file.
 */
public final class IdentityQualityScorer {

    /** φ: an identity embedding of an image. */
    @FunctionalInterface
    public interface IdentityEmbedder {
        /**
         * Embeds one image.
         *
         * @param image C·H·W float values
         * @return the embedding (any non-zero length; the same for every image)
         */
        float[] embed(float[] image);
    }

    private final IdentityEmbedder embedder;
    private final Map<Long, Double> scores = new LinkedHashMap<>();

    /**
     * Makes a scorer.
     *
     * @param embedder φ
     */
    public IdentityQualityScorer(IdentityEmbedder embedder) {
        this.embedder = embedder;
    }

    /**
     * q of one fake.
     *
     * @param fake the fake frame
     * @param reference its reference (source identity) frame
     * @return the cosine in [−1, 1]
     * @throws IllegalArgumentException when the embeddings differ in length or one is zero
     */
    public double score(float[] fake, float[] reference) {
        float[] a = embedder.embed(fake);
        float[] b = embedder.embed(reference);
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException("identity embeddings differ in length (" + a.length + " vs " + b.length
                    + ") or are empty");
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        if (na == 0 || nb == 0) {
            throw new IllegalArgumentException("an identity embedding is zero; the cosine is undefined");
        }
        return dot / Math.sqrt(na * nb);
    }

    /**
     * Scores a fake and records q under its data-set id.
     *
     * @param id the fake's data-set id
     * @param fake the fake frame
     * @param reference its reference frame
     * @return q
     */
    public double add(long id, float[] fake, float[] reference) {
        double q = score(fake, reference);
        scores.put(id, q);
        return q;
    }

    /**
     * The recorded scores.
     *
     * @return the table the curriculum reads
     */
    public StaticQualityScores scores() {
        return new StaticQualityScores(scores);
    }

    /**
     * Writes the recorded scores as {@code id,score} lines (the format {@link StaticQualityScores#read} reads).
     *
     * @param file the file
     * @throws IOException when it cannot be written
     */
    public void write(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("# id,score (cosine of identity embeddings, QCF static quality)\n");
        scores.forEach((id, q) -> sb.append(id).append(',').append(String.format(Locale.ROOT, "%.17g", q)).append('\n'));
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }
}
