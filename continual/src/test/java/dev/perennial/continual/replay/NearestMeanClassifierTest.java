package dev.perennial.continual.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The nearest-mean-of-exemplars classifier (specs/replay.md R12). */
class NearestMeanClassifierTest {

    private static NearestMeanClassifier prototypes() {
        NearestMeanClassifier nme = new NearestMeanClassifier();
        // exemplars equal to the class prototypes (three copies each)
        nme.fit(4, new float[][] {{1f, 0f, 0f}, {1f, 0f, 0f}, {1f, 0f, 0f}});
        nme.fit(7, new float[][] {{0f, 1f, 0f}, {0f, 1f, 0f}, {0f, 1f, 0f}});
        nme.fit(9, new float[][] {{0f, 0f, 1f}, {0f, 0f, 1f}, {0f, 0f, 1f}});
        return nme;
    }

    @Test
    void predictsTheNearestPrototype() {
        float[][] x = {{0.9f, 0.2f, 0.1f}, {0.1f, 0.8f, 0.3f}, {0.2f, 0.1f, 0.7f}, {0.5f, 0.6f, 0f}};
        assertArrayEquals(new long[] {4, 7, 9, 7}, prototypes().predict(x));
    }

    @Test
    void scalingTheFeaturesLeavesThePredictionUnchanged() {
        // unnormalised, (3, 2.9, 0) is nearer to e1 = class 4's prototype... and (0.3, 0.29, 0) too; normalised,
        // both point the same way, so the prediction cannot depend on the scale.
        float[][] small = {{0.3f, 0.29f, 0f}, {0.01f, 0.02f, 0.015f}};
        float[][] large = {{30f, 29f, 0f}, {10f, 20f, 15f}};
        assertArrayEquals(prototypes().predict(small), prototypes().predict(large));
        assertArrayEquals(new long[] {4, 7}, prototypes().predict(large));
    }

    @Test
    void classMeansAreNormalisedMeansOfNormalisedFeatures() {
        NearestMeanClassifier nme = new NearestMeanClassifier();
        // normalised (1,0) and (0,1) average to (0.5, 0.5), normalised to (√½, √½); the raw mean (5, 0.5) would not
        nme.fit(0, new float[][] {{10f, 0f}, {0f, 1f}});
        float s = (float) Math.sqrt(0.5);
        assertArrayEquals(new float[] {s, s}, nme.means().get(0), 1e-6f);
    }

    @Test
    void withFlipsTheMeanAveragesBothNormalisedMeansBeforeNormalising() {
        NearestMeanClassifier nme = new NearestMeanClassifier();
        // normalised means: (1, 0) unflipped, (0, 1) flipped; their average (0.5, 0.5) normalises to (√½, √½)
        nme.fit(3, new float[][] {{2f, 0f}, {5f, 0f}}, new float[][] {{0f, 3f}, {0f, 0.5f}});
        float s = (float) Math.sqrt(0.5);
        assertArrayEquals(new float[] {s, s}, nme.means().get(3), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> nme.fit(3, new float[][] {{1f, 0f}}, new float[0][]));
    }

    @Test
    void scoresAreNegativeSquaredDistancesAndUnfittedClassesNeverWin() {
        float[][] x = {{0.9f, 0.2f, 0.1f}, {0.1f, 0.8f, 0.3f}, {0.2f, 0.1f, 0.7f}};
        float[][] scores = prototypes().scores(x, 10);
        long[] predicted = prototypes().predict(x);
        for (int i = 0; i < x.length; i++) {
            int best = 0;
            for (int c = 1; c < 10; c++) {
                if (scores[i][c] > scores[i][best]) {
                    best = c;
                }
            }
            org.junit.jupiter.api.Assertions.assertEquals(predicted[i], best, "row " + i);
            org.junit.jupiter.api.Assertions.assertEquals(Float.NEGATIVE_INFINITY, scores[i][0]);
        }
    }

    @Test
    void refusesToPredictBeforeAnyMean() {
        assertThrows(IllegalStateException.class, () -> new NearestMeanClassifier().predict(new float[][] {{1f}}));
    }
}
