package dev.perennial.api.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.api.data.ClassIncrementalConfig;
import dev.perennial.api.data.ClassIncrementalSplitter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchmarkPresetsTest {

    private static ExperimentConfig parse(String yaml) {
        return ExperimentFiles.parse(yaml, "exp.yaml");
    }

    @Test
    void everyPresetBindsItsDatasetAndScenario() {
        assertEquals(List.of("split-fashion-mnist", "split-cifar10", "permuted-fashion-mnist",
                "rotated-fashion-mnist", "split-cifar100-b0-inc10", "split-cifar100-b0-inc20",
                "split-cifar100-b50-inc10"), List.copyOf(BenchmarkPresets.names()));

        ExperimentConfig fm = parse("name: a\nbenchmark: split-fashion-mnist\nlearner: finetune\n");
        assertEquals("idx", fm.dataset().name());
        assertEquals("/usr/share/datasets/fashion-mnist", fm.dataset().config().get("folder").asText());
        assertEquals("class-incremental", fm.scenario().name());
        assertEquals(2, fm.scenario().config().get("increment").asInt());
        assertEquals("accuracy", fm.metrics().get(0).name());

        ExperimentConfig c10 = parse("name: a\nbenchmark: split-cifar10\nlearner: finetune\n");
        assertEquals("image-folder", c10.dataset().name());
        assertEquals(BenchmarkPresets.dataDirectory().resolve("cifar10.zip").toString(), c10.dataset().config().get("path").asText());
        assertEquals(3, c10.dataset().config().get("channels").asInt());
        assertEquals("class-incremental", c10.scenario().name());
        assertEquals(2, c10.scenario().config().get("increment").asInt());

        ExperimentConfig perm = parse("name: a\nbenchmark: permuted-fashion-mnist\nlearner: finetune\n");
        assertEquals("idx", perm.dataset().name());
        assertEquals("domain-incremental", perm.scenario().name());
        assertEquals("permute", perm.scenario().config().get("transform").asText());
        assertEquals(20, perm.scenario().config().get("tasks").asInt());

        ExperimentConfig rot = parse("name: a\nbenchmark: rotated-fashion-mnist\nlearner: finetune\n");
        assertEquals("domain-incremental", rot.scenario().name());
        assertEquals("rotate", rot.scenario().config().get("transform").asText());
        assertEquals(9.0, rot.scenario().config().get("angleStep").asDouble());
        assertEquals(20, rot.scenario().config().get("tasks").asInt());

        int[][] bk = {{0, 10}, {0, 20}, {50, 10}};
        for (int[] p : bk) {
            String name = "split-cifar100-b" + p[0] + "-inc" + p[1];
            ExperimentConfig c = parse("name: a\nbenchmark: " + name + "\nlearner: finetune\n");
            assertEquals("image-folder", c.dataset().name(), name);
            assertEquals(BenchmarkPresets.dataDirectory().resolve("cifar100.zip").toString(), c.dataset().config().get("path").asText());
            assertEquals("class-incremental", c.scenario().name());
            ClassIncrementalConfig s = ConfigBinder.bind(c.scenario().config(), ClassIncrementalConfig.class,
                    ClassIncrementalConfig.defaults(), name);
            assertEquals(p[0], s.initialClasses(), name);
            assertEquals(p[1], s.increment(), name);
            assertEquals(ClassIncrementalConfig.NATURAL_ORDER, s.classOrderSeed());
            assertEquals(BenchmarkPresets.PYCIL_CIFAR100_ORDER, s.classOrder());
            int[] order = new ClassIncrementalSplitter(s).classOrder(100);
            assertArrayEquals(new int[] {68, 56, 78, 8, 23, 84, 90, 65, 74, 76}, Arrays.copyOf(order, 10));
            assertEquals(33, order[99]);
        }
    }

    @Test
    void theOtherFieldsStayAsWritten() {
        ExperimentConfig c = parse("name: b\nseed: 7\nbenchmark: split-fashion-mnist\nlearner: er\n"
                + "training: {epochs: 3}\n");
        assertEquals("b", c.name());
        assertEquals(7, c.seed());
        assertEquals("er", c.learner().name());
        assertEquals(3, c.training().epochs());
    }

    @Test
    void aPresetWithAnExplicitDatasetOrScenarioIsRefused() {
        ConfigException d = assertThrows(ConfigException.class, () -> parse(
                "name: a\nbenchmark: split-cifar10\ndataset: idx\nlearner: finetune\n"));
        assertEquals("exp.yaml: benchmark: split-cifar10 sets dataset and scenario; remove 'dataset' or remove"
                + " benchmark", d.getMessage());
        ConfigException s = assertThrows(ConfigException.class, () -> parse(
                "name: a\nbenchmark: split-cifar10\nscenario: {name: class-incremental}\nlearner: finetune\n"));
        assertTrue(s.getMessage().contains("remove 'scenario'"), s.getMessage());
    }

    @Test
    void anUnknownPresetSuggestsTheNearest() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(
                "name: a\nbenchmark: split-cifar-10\nlearner: finetune\n"));
        assertTrue(e.getMessage().startsWith("exp.yaml: benchmark: unknown preset 'split-cifar-10'; did you mean"
                + " 'split-cifar10'?"), e.getMessage());
        assertTrue(e.getMessage().contains("known presets: [split-fashion-mnist"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        ConfigException far = assertThrows(ConfigException.class, () -> parse(
                "name: a\nbenchmark: imagenet\nlearner: finetune\n"));
        assertTrue(!far.getMessage().contains("did you mean"), far.getMessage());
        ConfigException notText = assertThrows(ConfigException.class, () -> parse(
                "name: a\nbenchmark: {name: x}\nlearner: finetune\n"));
        assertTrue(notText.getMessage().startsWith("exp.yaml: benchmark must be a preset name"),
                notText.getMessage());
    }
}
