package dev.perennial.api.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.api.loop.Seeds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code seeds: paired} gives two learners with the same run seed the same plugin seed, hence the same initial
 * model (a learner that seeds the engine with {@code context.seed()}, as lora-seq and llaca do); {@code per-plugin}
 * keeps the earlier derivation, in which the plugin's name is mixed in.
 */
class PairedSeedsTest {
    @TempDir
    Path dir;

    private long learnerSeed(NDManager manager, String learner, boolean paired) {
        return new RunContext("learner", learner, manager, 7L, paired, dir, null).seed();
    }

    /** What lora-seq and llaca do: seed the engine with the plugin's seed, then initialise the model. */
    private static List<float[]> initialParameters(NDManager manager, long pluginSeed) {
        manager.getEngine().setRandomSeed((int) pluginSeed);
        Linear block = Linear.builder().setUnits(8).build();
        try (NDManager sub = manager.newSubManager()) {
            block.initialize(sub, DataType.FLOAT32, new Shape(1, 16));
            List<float[]> out = new ArrayList<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                out.add(p.getValue().getArray().toFloatArray());
            }
            return out;
        }
    }

    @Test
    void pairedLearnersStartFromTheSameModel() {
        try (NDManager manager = NDManager.newBaseManager()) {
            long loraSeq = learnerSeed(manager, "lora-seq", true);
            long llaca = learnerSeed(manager, "llaca", true);
            assertEquals(loraSeq, llaca);
            List<float[]> a = initialParameters(manager, loraSeq);
            List<float[]> b = initialParameters(manager, llaca);
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i), b.get(i));
            }
            // the slot still separates plugins of one run, and the run seed still matters
            assertNotEquals(loraSeq, new RunContext("sampler", "balanced", manager, 7L, true, dir, null).seed());
            assertNotEquals(loraSeq, new RunContext("learner", "lora-seq", manager, 8L, true, dir, null).seed());
        }
    }

    @Test
    void perPluginLearnersDifferAsBefore() {
        try (NDManager manager = NDManager.newBaseManager()) {
            long loraSeq = learnerSeed(manager, "lora-seq", false);
            long llaca = learnerSeed(manager, "llaca", false);
            assertNotEquals(loraSeq, llaca);
            // today's derivation, unchanged, so single runs reproduce their earlier results
            assertEquals(Seeds.derive(7L, "plugin", "learner".hashCode(), "lora-seq".hashCode()), loraSeq);
            List<float[]> a = initialParameters(manager, loraSeq);
            List<float[]> b = initialParameters(manager, llaca);
            boolean same = true;
            for (int i = 0; i < a.size(); i++) {
                same &= java.util.Arrays.equals(a.get(i), b.get(i));
            }
            assertFalse(same, "per-plugin seeds give lora-seq and llaca different initial models");
        }
    }

    @Test
    void theOptionDefaultsToPerPluginAndRejectsOtherValues() {
        String base = "name: x\ndataset: d\nscenario: s\nlearner: l\n";
        ExperimentConfig plain = ExperimentFiles.parse(base, "x.yaml");
        assertEquals("per-plugin", plain.seeds());
        assertFalse(plain.pairedSeeds());
        assertTrue(ExperimentFiles.parse(base + "seeds: paired\n", "x.yaml").pairedSeeds());
        Exception e = assertThrows(RuntimeException.class,
                () -> ExperimentFiles.parse(base + "seeds: shared\n", "x.yaml"));
        assertTrue(e.getMessage().contains("seeds 'shared' is not one of per-plugin, paired"), e.getMessage());
    }
}
