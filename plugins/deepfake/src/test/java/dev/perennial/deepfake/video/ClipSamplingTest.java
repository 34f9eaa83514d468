package dev.perennial.deepfake.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Clip sampling of specs/deepfake.md §B.1.6 and its edge cases (pitfall B.5.6). */
class ClipSamplingTest {

    @Test
    void testStartsFollowTheStride() {
        // 32 frames, clips of 8: 4 clips, step ⌊24 / 3⌋ = 8.
        assertArrayEquals(new int[] {0, 8, 16, 24}, ClipSampling.starts("v", 32, 8, false, null));
        // 30 frames: 3 clips, step ⌊22 / 2⌋ = 11.
        assertArrayEquals(new int[] {0, 11, 22}, ClipSampling.starts("v", 30, 8, false, null));
    }

    @Test
    void oneClipAndShortVideosAreHandled() {
        assertArrayEquals(new int[] {0}, ClipSampling.starts("v", 12, 8, false, null));
        int[] train = ClipSampling.starts("v", 12, 8, true, new SplittableRandom(1));
        assertTrue(train[0] >= 0 && train[0] <= 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClipSampling.starts("ff/012", 5, 8, false, null));
        assertTrue(e.getMessage().contains("ff/012"));
    }

    @Test
    void trainingStartsStayInsideTheVideoAndTheirStride() {
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 200; trial++) {
            int total = 8 + r.nextInt(60);
            int[] s = ClipSampling.starts("v", total, 8, true, r);
            assertEquals(total / 8, s.length);
            for (int i = 0; i < s.length; i++) {
                assertTrue(s[i] >= 0 && s[i] + 8 <= total);
                if (s.length > 1) {
                    int step = (total - 8) / (s.length - 1);
                    assertTrue(s[i] >= i * step && s[i] <= Math.max(i * step, (i + 1) * step - 1));
                }
            }
        }
    }
}
