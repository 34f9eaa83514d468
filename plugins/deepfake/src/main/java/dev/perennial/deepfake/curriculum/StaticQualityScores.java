package dev.perennial.deepfake.curriculum;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The static quality q^i of each fake (specs/deepfake.md §A.1.1), e.g. the ArcFace cosine between a swap and its
 * source identity, computed offline. Samples without a score (reals, unscored fakes) have q = 0.
 *
 * <p>File format: UTF-8 text, one {@code id,score} line per sample (the data-set id the loop reports, a finite
 * number); blank lines and lines starting with {@code #} are skipped.
 */
public final class StaticQualityScores {
    private final Map<Long, Double> scores;

    /**
     * Wraps a map.
     *
     * @param scores id to q
     */
    public StaticQualityScores(Map<Long, Double> scores) {
        this.scores = Map.copyOf(scores);
    }

    /**
     * No static scores (the dynamic term only).
     *
     * @return an empty table
     */
    public static StaticQualityScores none() {
        return new StaticQualityScores(Map.of());
    }

    /**
     * Reads a scores file.
     *
     * @param file the file
     * @param normalise whether to map a cosine in [−1, 1] to (cos + 1)/2
     * @return the table
     * @throws IllegalArgumentException naming the file and line when it cannot be read or parsed
     */
    public static StaticQualityScores read(Path file, boolean normalise) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("quality-curriculum: cannot read static scores file " + file
                    + " (config field 'staticScoresFile'): " + e.getMessage(), e);
        }
        Map<Long, Double> out = new HashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(",");
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException("expected 2 fields");
                }
                long id = Long.parseLong(parts[0].strip());
                double q = Double.parseDouble(parts[1].strip());
                if (!Double.isFinite(q)) {
                    throw new NumberFormatException("score is not finite");
                }
                out.put(id, normalise ? (q + 1) / 2 : q);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("quality-curriculum: static scores file " + file + " line "
                        + (n + 1) + " is '" + line + "'; expected 'id,score' with an integer id and a finite score",
                        e);
            }
        }
        return new StaticQualityScores(out);
    }

    /**
     * q of a sample.
     *
     * @param id the data-set id
     * @return the score, if the table has one
     */
    public OptionalDouble score(long id) {
        Double q = scores.get(id);
        return q == null ? OptionalDouble.empty() : OptionalDouble.of(q);
    }

    /**
     * The number of scored samples.
     *
     * @return the count
     */
    public int size() {
        return scores.size();
    }
}
