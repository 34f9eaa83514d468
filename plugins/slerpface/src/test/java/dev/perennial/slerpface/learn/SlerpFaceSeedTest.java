package dev.perennial.slerpface.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.TaskInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: the learner initialised its network from the engine's random stream as it happened to be (the loop seeds
 * the engine only when the first task starts), so two processes of one experiment started from different weights and
 * their losses differed from step 1 (kill-and-resume stress: step 1 loss 10.443866 vs 11.353249). The weights now
 * depend only on the plugin's seed.
 */
class SlerpFaceSeedTest {

    private static SlerpFaceLearner learner(NDManager root, long seed) {
        PluginContext c = mock(PluginContext.class);
        when(c.manager()).thenReturn(root);
        when(c.device()).thenReturn(Device.cpu());
        when(c.seed()).thenReturn(seed);
        when(c.pluginName()).thenReturn("slerpface-grouping");
        when(c.workDirectory()).thenReturn(Path.of("."));
        when(c.scenario()).thenReturn(Optional.of(new ScenarioInfo("faces", List.of("a", "b", "c", "d"),
                List.of(new TaskInfo(0, "task-0", new int[] {0, 1, 2, 3}, 8, 4)),
                Map.of("image", new long[] {3, 32, 32}))));
        return (SlerpFaceLearner) new SlerpFaceLearnerProvider().create(
                new SlerpFaceLearnerConfig(List.of(1, 1, 1, 1), 8, true, 8, 16, 0.2, false), c);
    }

    @Test
    void initialWeightsDependOnlyOnThePluginSeed() {
        try (NDManager root = NDManager.newBaseManager(Device.cpu())) {
            Engine.getInstance().setRandomSeed(123);
            ParameterList a = learner(root, 7).net().getParameters();
            Engine.getInstance().setRandomSeed(987654); // another stream state, as other plugins' draws would leave
            ParameterList b = learner(root, 7).net().getParameters();
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i).getKey(), b.get(i).getKey());
                assertArrayEquals(a.get(i).getValue().getArray().toFloatArray(),
                        b.get(i).getValue().getArray().toFloatArray(), 0f, a.get(i).getKey());
            }
        }
    }
}
