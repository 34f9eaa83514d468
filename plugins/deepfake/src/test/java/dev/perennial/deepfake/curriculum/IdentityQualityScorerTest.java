package dev.perennial.deepfake.curriculum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The static assessment q = cos(φ(fake), φ(ref)) and its round trip through the scores file. */
class IdentityQualityScorerTest {

    @Test
    void cosineOfEmbeddingsRoundTripsThroughTheFile(@TempDir Path dir) throws Exception {
        // φ = the image itself: identical → 1, negated → −1, orthogonal → 0.
        IdentityQualityScorer scorer = new IdentityQualityScorer(x -> x);
        assertEquals(1.0, scorer.add(1, new float[] {1, 2, 3}, new float[] {2, 4, 6}), 1e-12);
        assertEquals(-1.0, scorer.add(2, new float[] {1, 2, 3}, new float[] {-1, -2, -3}), 1e-12);
        assertEquals(0.0, scorer.add(3, new float[] {1, 0}, new float[] {0, 5}), 1e-12);
        Path file = dir.resolve("q.csv");
        scorer.write(file);
        StaticQualityScores read = StaticQualityScores.read(file, false);
        assertEquals(-1.0, read.score(2).orElseThrow(), 1e-15);
        StaticQualityScores normalised = StaticQualityScores.read(file, true);
        assertEquals(0.0, normalised.score(2).orElseThrow(), 1e-15, "(cos + 1) / 2");
        assertEquals(0.5, normalised.score(3).orElseThrow(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> scorer.score(new float[] {0, 0}, new float[] {1, 1}));
    }
}
