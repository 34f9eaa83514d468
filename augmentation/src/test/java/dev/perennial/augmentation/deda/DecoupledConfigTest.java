package dev.perennial.augmentation.deda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DecoupledConfigTest {

    @Test
    void defaultsFollowTheSpec() {
        DecoupledConfig d = DecoupledConfig.defaults();
        assertEquals(0.5, d.applyProbability(), "p_apply 0.5 (DA-Fusion, spec §3)");
        assertTrue(d.interClass(), "interClass true (spec §3)");
        assertEquals("pool", d.objectSource(), "uniform CDP of class y (spec §2.4)");
        assertEquals("auto", d.maskSource());
        assertEquals("alpha", d.blend());
    }

    @Test
    void outOfRangeValuesNameTheFieldAndTheRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DecoupledConfig.defaults().withApplyProbability(1.5));
        assertEquals("de-da config field 'applyProbability' must be in [0.0, 1.0]; was 1.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SquaresOnBackgrounds.config(0.5, true, "everywhere", "auto", "identity", "alpha", 4));
        assertTrue(e.getMessage().contains("'objectSource'") && e.getMessage().contains("'pool' or 'own'"));
        e = assertThrows(IllegalArgumentException.class,
                () -> SquaresOnBackgrounds.config(0.5, true, "pool", "auto", "identity", "alpha", 0));
        assertEquals("de-da config field 'poolSizePerClass' must be in [1, 100000]; was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SquaresOnBackgrounds.config(0.5, true, "pool", "SAM", "identity", "alpha", 4));
        assertTrue(e.getMessage().contains("'maskSource'"), e.getMessage());
    }

    @Test
    void unknownPartsListWhatExists() {
        DecoupledConfig unknownEditor = SquaresOnBackgrounds.config(0.5, true, "pool", "auto", "stable-diffusion",
                "alpha", 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DecoupledAugmenter(unknownEditor, 1));
        assertTrue(e.getMessage().contains("'editor'") && e.getMessage().contains("stable-diffusion")
                && e.getMessage().contains("photometric-geometric"), e.getMessage());
        DecoupledConfig unknownMasks = SquaresOnBackgrounds.config(0.5, true, "pool", "sam", "identity", "alpha", 4);
        e = assertThrows(IllegalArgumentException.class, () -> new DecoupledAugmenter(unknownMasks, 1));
        assertTrue(e.getMessage().contains("'maskSource'") && e.getMessage().contains("saliency"), e.getMessage());
    }
}
