package dev.perennial.continual.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.perennial.spi.Batch;
import dev.perennial.spi.replay.ReplayItems;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * iCaRL's class means from the exemplars (specs/replay.md §3.4): PyCIL's (normalised mean of the normalised features)
 * by default, Mammoth's (also averaging the exemplars' horizontal flips) under {@code meanOfFlips}.
 */
class IcarlMeansTest {

    private static IcarlProvider.IcarlLearner learner(NDManager m, boolean meanOfFlips) {
        IcarlProvider.IcarlLearner l = new IcarlProvider.IcarlLearner(ReplayFixtures.context(m), new IcarlProvider.Config(
                ReplayFixtures.BACKBONE, 8, "fixed-total", "bce-sigmoid", 2.0, false, 0, "nme", "none", meanOfFlips));
        ReplayFixtures.begin(l, 0, m);
        return l;
    }

    private static float[] normalisedMean(float[][] features) {
        float[] mean = new float[features[0].length];
        for (float[] f : features) {
            float[] v = Herding.normalised(f);
            for (int j = 0; j < mean.length; j++) {
                mean[j] += v[j] / features.length;
            }
        }
        return mean;
    }

    @Test
    void meanOfFlipsAveragesTheExemplarsAndTheirMirrorImagesBeforeNormalising() {
        try (NDManager m = NDManager.newBaseManager()) {
            IcarlProvider.IcarlLearner icarl = learner(m, true);
            Batch batch = ReplayFixtures.batch(m, 0, 0, new long[] {0, 0, 0, 0}, 7);
            icarl.exemplars().put(0, ReplayItems.fromBatch(batch, java.util.List.of("image"), Optional.empty()));
            icarl.updateMeans();
            NDArray images = batch.input("image");
            float[] plain = normalisedMean(icarl.features(images));
            float[] mirrored = normalisedMean(icarl.features(images.flip(3)));
            float[] both = new float[plain.length];
            for (int j = 0; j < both.length; j++) {
                both[j] = (plain[j] + mirrored[j]) / 2;
            }
            float[] got = icarl.classifier().means().get(0);
            assertArrayEquals(Herding.normalised(both), got, 1e-5f);
            float[] unflipped = Herding.normalised(plain);
            double diff = 0;
            for (int j = 0; j < got.length; j++) {
                diff = Math.max(diff, Math.abs(got[j] - unflipped[j]));
            }
            assertTrue(diff > 1e-3, "random images are not mirror-symmetric, so the flips must move the mean; max |Δ| "
                    + diff);
        }
    }

    @Test
    void byDefaultTheMeanIsPyCilsWithoutFlips() {
        try (NDManager m = NDManager.newBaseManager()) {
            IcarlProvider.IcarlLearner icarl = learner(m, false);
            Batch batch = ReplayFixtures.batch(m, 0, 0, new long[] {1, 1, 1}, 8);
            icarl.exemplars().put(1, ReplayItems.fromBatch(batch, java.util.List.of("image"), Optional.empty()));
            icarl.updateMeans();
            assertArrayEquals(Herding.normalised(normalisedMean(icarl.features(batch.input("image")))),
                    icarl.classifier().means().get(1), 1e-5f);
        }
    }

    @Test
    void aFlipMirrorsTheLastAxis() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(12f).reshape(1, 1, 2, 6);
            assertArrayEquals(new float[] {5, 4, 3, 2, 1, 0, 11, 10, 9, 8, 7, 6},
                    IcarlProvider.IcarlLearner.horizontalFlip(x).toFloatArray());
        }
    }
}
