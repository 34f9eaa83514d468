package dev.perennial.slerpface.faces;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The generated faces: determinism, ranges, splits, and identity carrying more than nuisance. */
class GeneratedFacesTest {

    private final FaceRenderer renderer = new FaceRenderer(32, 11);

    @Test
    void imagesAreDeterministicInRangeAndVary() {
        float[] a = renderer.render(3, 0);
        assertArrayEquals(a, new FaceRenderer(32, 11).render(3, 0));
        assertEquals(3 * 32 * 32, a.length);
        for (float v : a) {
            assertTrue(v >= 0 && v <= 1);
        }
        assertFalse(Arrays.equals(a, renderer.render(3, 1)));
    }

    @Test
    void sameIdentityImagesAreCloserThanOtherIdentities() {
        double within = 0;
        double between = 0;
        int n = 20;
        for (int id = 0; id < n; id++) {
            within += distance(renderer.render(id, 0), renderer.render(id, 1)) / n;
            between += distance(renderer.render(id, 0), renderer.render(id + n, 1)) / n;
        }
        assertTrue(within < between, within + " vs " + between);
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += (a[j] - b[j]) * (a[j] - b[j]);
        }
        return Math.sqrt(s);
    }

    @Test
    void splitsShareIdentitiesButNotImagesAndVerificationIdentitiesAreDisjoint() {
        GeneratedFaces faces = new GeneratedFaces(new GeneratedFacesConfig(3, 4, 2, 16, 5));
        assertEquals(12, faces.train().size());
        assertEquals(6, faces.test().size());
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2}, faces.test().labels());
        Example train = faces.train().get(0);
        Example test = faces.test().get(0);
        float[] a = ((Feature.Floats) train.features().get("image")).values();
        float[] b = ((Feature.Floats) test.features().get("image")).values();
        assertFalse(Arrays.equals(a, b));
        assertEquals(3, faces.train().classNames().size());
        float[] v = faces.verificationImage(0, 0).values();
        assertArrayEquals(new FaceRenderer(16, 5).render(3, 0), v);
        assertThrows(IndexOutOfBoundsException.class, () -> faces.train().get(12));
        assertThrows(IllegalArgumentException.class, () -> new GeneratedFacesConfig(1, 4, 2, 16, 5));
    }

    @Test
    void theUnseenTestSplitHoldsTheVerificationIdentitiesLabelledWithinTheSplit() {
        GeneratedFaces faces = new GeneratedFaces(new GeneratedFacesConfig(4, 3, 2, 16, 5, 3));
        assertEquals(12, faces.train().size());
        assertEquals(6, faces.test().size());
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2}, faces.test().labels());
        for (int i = 0; i < 6; i++) {
            Example e = faces.test().get(i);
            assertEquals(i / 2, (int) e.label().orElseThrow());
            // Verification identity i / 2, image i % 2: an identity no training image shows.
            assertArrayEquals(faces.verificationImage(i / 2, i % 2).values(),
                    ((Feature.Floats) e.features().get("image")).values());
            assertArrayEquals(new FaceRenderer(16, 5).render(4 + i / 2, i % 2),
                    ((Feature.Floats) e.features().get("image")).values());
        }
        assertEquals(4, faces.test().classNames().size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GeneratedFacesConfig(4, 3, 2, 16, 5, 5));
        assertTrue(e.getMessage().contains("unseenTestIdentities must be in 0..identities"), e.getMessage());
    }
}
