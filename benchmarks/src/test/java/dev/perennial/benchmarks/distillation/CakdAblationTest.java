package dev.perennial.benchmarks.distillation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every CakdAblation variant names a run the loop accepts (its combinations carry a '+', which run names may not). */
class CakdAblationTest {
    @Test
    void everyVariantHasAValidRunName() {
        List<CakdAblation.Variant> variants = CakdAblation.variants(32);
        for (CakdAblation.Variant v : variants) {
            String name = CakdAblation.runName(v.name());
            assertTrue(name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,79}"), v.name() + " -> " + name);
        }
        assertEquals("cakd-ablation-initial_and_warmup", CakdAblation.runName("initial+warmup"));
        assertEquals(variants.size(), variants.stream().map(v -> CakdAblation.runName(v.name())).distinct().count());
    }
}
