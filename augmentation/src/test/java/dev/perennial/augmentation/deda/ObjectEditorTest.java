package dev.perennial.augmentation.deda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ObjectEditorTest {

    private static ObjectLayer disc(int channels, float colour) {
        int h = 20;
        int w = 20;
        float[] alpha = new float[h * w];
        float[] rgb = new float[channels * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean in = (y - 8) * (y - 8) + (x - 11) * (x - 11) <= 16;
                alpha[y * w + x] = in ? 1f : 0f;
                for (int c = 0; c < channels; c++) {
                    rgb[c * h * w + y * w + x] = in ? colour : 0f;
                }
            }
        }
        return new ObjectLayer(rgb, alpha, channels, h, w);
    }

    @Test
    void identityIsANoOpThatKeepsAlpha() {
        ObjectLayer o = disc(3, 0.7f);
        ObjectLayer e = new IdentityEditor().edit(o, new SplittableRandom(1));
        assertNotSame(o, e);
        assertArrayEquals(o.rgb(), e.rgb());
        assertArrayEquals(o.alpha(), e.alpha(), "D9: alpha kept");
    }

    @Test
    void geometricEditsMoveMaskAndPixelsTogether() {
        // The object's colour is 1 exactly where alpha is 1, so rgb = alpha before and must stay so after any warp.
        EditStrength geometryOnly = new EditStrength(0, 0, 0, 25, 0.2, 0.1, 0.5);
        PhotometricGeometricEditor editor = new PhotometricGeometricEditor(geometryOnly);
        ObjectLayer o = disc(2, 1f);
        boolean moved = false;
        for (long seed = 0; seed < 20; seed++) {
            ObjectLayer e = editor.edit(o, new SplittableRandom(seed));
            int plane = e.height() * e.width();
            for (int c = 0; c < 2; c++) {
                assertArrayEquals(e.alpha(), Arrays.copyOfRange(e.rgb(), c * plane, (c + 1) * plane), 1e-6f);
            }
            moved |= !Arrays.equals(o.alpha(), e.alpha());
        }
        assertTrue(moved);
        assertArrayEquals(disc(2, 1f).alpha(), o.alpha(), "the input is not modified");
    }

    @Test
    void photometricEditsStayInRangeAndKeepTheMask() {
        EditStrength colourOnly = new EditStrength(0.5, 0.5, 0.5, 0, 0, 0, 0);
        ObjectLayer o = disc(3, 0.8f);
        ObjectLayer e = new PhotometricGeometricEditor(colourOnly).edit(o, new SplittableRandom(3));
        assertArrayEquals(o.alpha(), e.alpha());
        assertFalse(Arrays.equals(o.rgb(), e.rgb()));
        for (float v : e.rgb()) {
            assertTrue(v >= 0 && v <= 1);
        }
    }

    @Test
    void zeroStrengthIsTheIdentity() {
        ObjectLayer o = disc(3, 0.4f);
        ObjectLayer e = new PhotometricGeometricEditor(new EditStrength(0, 0, 0, 0, 0, 0, 0))
                .edit(o, new SplittableRandom(2));
        assertArrayEquals(o.rgb(), e.rgb(), 1e-6f);
        assertArrayEquals(o.alpha(), e.alpha());
    }

    @Test
    void outOfRangeStrengthNamesTheConfigField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EditStrength(0.1, 0.1, 0.1, 200, 0.1, 0.1, 0));
        assertTrue(e.getMessage().contains("'editRotationDegrees'") && e.getMessage().contains("[0.0, 180.0]"),
                e.getMessage());
    }

    @Test
    void layerSizesAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ObjectLayer(new float[10], new float[4], 3, 2, 2));
        assertEquals("object layer arrays hold 10 and 4 values; expected 12 and 4", e.getMessage());
    }
}
