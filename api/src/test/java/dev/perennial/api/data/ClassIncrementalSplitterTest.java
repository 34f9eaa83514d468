package dev.perennial.api.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.spi.Capability;
import dev.perennial.spi.DatasetException;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import dev.perennial.spi.Scenario;
import dev.perennial.spi.SpiVersion;
import dev.perennial.spi.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ClassIncrementalSplitterTest {

    /** A data set of labels only: example i of a split holds a 1×1×2 image {label, i}. */
    private record LabelsOnly(int[] trainLabels, int[] testLabels, int classes) implements DatasetSource {
        @Override
        public DatasetSplit train() {
            return split(trainLabels, 0);
        }

        @Override
        public DatasetSplit test() {
            return split(testLabels, trainLabels.length);
        }

        private DatasetSplit split(int[] labels, int offset) {
            List<String> names = IntStream.range(0, classes).mapToObj(c -> "c" + c).toList();
            return new DecodingSplit(labels, names, i -> Example.labelledImage(offset + i, labels[i],
                    new Feature.Floats(new float[] {labels[i], i}, new long[] {1, 1, 2})));
        }

        @Override
        public String describe() {
            return "labels-only";
        }

        /** {@code perClass} training and {@code perClass / 2 + 1} test examples of each class, interleaved. */
        static LabelsOnly of(int classes, int perClass) {
            int[] train = IntStream.range(0, classes * perClass).map(i -> i % classes).toArray();
            int[] test = IntStream.range(0, classes * (perClass / 2 + 1)).map(i -> classes - 1 - i % classes)
                    .toArray();
            return new LabelsOnly(train, test, classes);
        }
    }

    private static int[] count(int[] labels, int classes) {
        int[] n = new int[classes];
        for (int l : labels) {
            n[l]++;
        }
        return n;
    }

    @ParameterizedTest(name = "C={0} B={1} K={2} seed={3}")
    @CsvSource({"10,0,2,-1", "10,0,5,3", "10,4,2,1993", "100,50,10,0", "100,0,10,42", "7,7,1,5", "6,0,1,-1",
                "12,3,3,9"})
    void tasksPartitionTheClassesWithTheirExamples(int classes, int initial, int increment, long seed) {
        LabelsOnly source = LabelsOnly.of(classes, 4);
        Scenario scenario = Scenarios.classIncremental(source, initial, increment, seed);
        int first = initial == 0 ? increment : initial;
        assertEquals(1 + (classes - first) / increment, scenario.tasks().size());
        Set<Integer> seen = new HashSet<>();
        int[] trainCounts = count(source.trainLabels, classes);
        int[] testCounts = count(source.testLabels, classes);
        for (Task task : scenario.tasks()) {
            int[] taskClasses = task.info().classes();
            assertEquals(task.info().index() == 0 ? first : increment, taskClasses.length);
            Set<Integer> mine = new HashSet<>();
            for (int c : taskClasses) {
                assertTrue(seen.add(c), "class " + c + " appears in two tasks");
                mine.add(c);
            }
            int expectedTrain = 0;
            int expectedTest = 0;
            for (int c : taskClasses) {
                expectedTrain += trainCounts[c];
                expectedTest += testCounts[c];
            }
            assertEquals(expectedTrain, task.train().size(), "every training example of the task's classes");
            assertEquals(expectedTest, task.test().size(), "every test example of the task's classes");
            for (int l : task.train().labels()) {
                assertTrue(mine.contains(l));
            }
            for (int i = 0; i < task.test().size(); i++) {
                assertTrue(mine.contains(task.test().get(i).label().getAsInt()));
            }
        }
        assertEquals(classes, seen.size(), "the tasks cover every class");
        assertArrayEquals(new long[] {1, 1, 2}, scenario.featureShapes().get("image"));
    }

    @Test
    void naturalOrderIsTheDataSetOrderAndB0UsesTheIncrement() {
        Scenario s = Scenarios.classIncremental(LabelsOnly.of(10, 2), 2);
        assertEquals("class-incremental B0-Inc2", s.name());
        assertEquals(5, s.tasks().size());
        for (int t = 0; t < 5; t++) {
            assertArrayEquals(new int[] {2 * t, 2 * t + 1}, s.tasks().get(t).info().classes());
            assertEquals("task-" + t, s.tasks().get(t).info().name());
        }
        assertEquals(10, s.classNames().size());
    }

    @Test
    void seededOrderIsReproducibleAndAPermutation() {
        ClassIncrementalSplitter a = new ClassIncrementalSplitter(new ClassIncrementalConfig(0, 10, 1993, 0));
        ClassIncrementalSplitter b = new ClassIncrementalSplitter(new ClassIncrementalConfig(0, 10, 1993, 0));
        ClassIncrementalSplitter other = new ClassIncrementalSplitter(new ClassIncrementalConfig(0, 10, 7, 0));
        int[] order = a.classOrder(100);
        assertArrayEquals(order, b.classOrder(100));
        assertFalse(Arrays.equals(order, other.classOrder(100)));
        assertFalse(Arrays.equals(order, IntStream.range(0, 100).toArray()), "shuffled");
        assertArrayEquals(IntStream.range(0, 100).toArray(), Arrays.stream(order).sorted().toArray());
        Scenario s1 = a.split(LabelsOnly.of(100, 2));
        Scenario s2 = b.split(LabelsOnly.of(100, 2));
        for (int t = 0; t < s1.tasks().size(); t++) {
            assertEquals(s1.tasks().get(t).info(), s2.tasks().get(t).info());
            assertArrayEquals(s1.tasks().get(t).train().labels(), s2.tasks().get(t).train().labels());
        }
        assertEquals("class-incremental B0-Inc10 seed 1993", s1.name());
    }

    @Test
    void anExplicitOrderIsUsedAsGivenAndChecked() {
        ClassIncrementalSplitter s = new ClassIncrementalSplitter(
                new ClassIncrementalConfig(0, 2, -1, 0, java.util.List.of(3, 0, 2, 1)));
        assertArrayEquals(new int[] {3, 0, 2, 1}, s.classOrder(4));
        assertEquals("class-incremental B0-Inc2 explicit order", s.scenarioName());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> s.classOrder(5));
        assertEquals("class-incremental: 'classOrder' must list every class id 0..4 of the data set exactly once; it"
                + " has 4 ids", missing.getMessage());
        IllegalArgumentException repeat = assertThrows(IllegalArgumentException.class, () -> new ClassIncrementalSplitter(
                new ClassIncrementalConfig(0, 2, -1, 0, java.util.List.of(0, 1, 1))).classOrder(3));
        assertEquals("class-incremental: 'classOrder' must list every class id 0..2 of the data set exactly once; it"
                + " repeats 1", repeat.getMessage());
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> new ClassIncrementalConfig(0, 2, 1993, 0, java.util.List.of(0, 1)));
        assertEquals("class-incremental: give 'classOrder' or 'classOrderSeed', not both", both.getMessage());
    }

    @Test
    void maxTasksKeepsTheFirstTasks() {
        Scenario s = Scenarios.classIncremental(LabelsOnly.of(10, 3), new ClassIncrementalConfig(4, 2, -1, 2));
        assertEquals(2, s.tasks().size());
        assertArrayEquals(new int[] {0, 1, 2, 3}, s.tasks().get(0).info().classes());
        assertArrayEquals(new int[] {4, 5}, s.tasks().get(1).info().classes());
        assertEquals(6, s.tasks().get(1).train().size());
    }

    @Test
    void anIncrementThatDoesNotDivideSaysWhatWould() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Scenarios.classIncremental(LabelsOnly.of(10, 1), 3));
        assertTrue(e.getMessage().contains("10 classes cannot be cut into tasks of 3"), e.getMessage());
        assertTrue(e.getMessage().contains("[1, 2, 5, 10]"), e.getMessage());
        assertTrue(e.getMessage().contains("initialClasses to one of [1, 4, 7]"), e.getMessage());
    }

    @Test
    void aBaseThatLeavesARemainderSaysWhatWould() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Scenarios.classIncremental(LabelsOnly.of(10, 1), 5, 2, -1));
        assertTrue(e.getMessage().contains("B5-Inc2"), e.getMessage());
        assertTrue(e.getMessage().contains("with initialClasses 5 an increment of [1, 5]"), e.getMessage());
        assertTrue(e.getMessage().contains("[2, 4, 6, 8]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Scenarios.classIncremental(LabelsOnly.of(10, 1),
                11, 1, -1));
        assertTrue(e.getMessage().contains("'initialClasses' is 11") && e.getMessage().contains("only 10"),
                e.getMessage());
    }

    @Test
    void aClassWithoutTestExamplesIsNamed() {
        LabelsOnly source = new LabelsOnly(new int[] {0, 1, 2, 3}, new int[] {0, 1, 3}, 4);
        DatasetException e = assertThrows(DatasetException.class, () -> Scenarios.classIncremental(source, 2));
        assertTrue(e.getMessage().contains("class 2 ('c2') has no test examples"), e.getMessage());
    }

    @Test
    void unlabelledExamplesAreAnError() {
        LabelsOnly source = new LabelsOnly(new int[] {0, -1}, new int[] {0, 1}, 2);
        DatasetException e = assertThrows(DatasetException.class, () -> Scenarios.classIncremental(source, 1));
        assertTrue(e.getMessage().contains("train example 1") && e.getMessage().contains("label -1"),
                e.getMessage());
    }

    @Test
    void configValidationNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ClassIncrementalConfig(0, 0, -1, 0));
        assertTrue(e.getMessage().contains("'increment'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ClassIncrementalConfig(-2, 1, -1, 0));
        assertTrue(e.getMessage().contains("'initialClasses'"), e.getMessage());
    }

    @Test
    void providerBindsItsConfigFromJsonAndSplitsGeneratedShapes() throws Exception {
        ClassIncrementalProvider p = new ClassIncrementalProvider();
        assertEquals("class-incremental", p.name());
        assertTrue(SpiVersion.isCompatible(p.spiVersion()));
        assertTrue(p.capabilities().contains(Capability.CLASS_INCREMENTAL));
        ClassIncrementalConfig config = new ObjectMapper().readValue(
                "{\"initialClasses\": 0, \"increment\": 5, \"classOrderSeed\": 3, \"maxTasks\": 0}",
                ClassIncrementalConfig.class);
        Scenario s = p.create(config, null).split(new GeneratedShapes(
                new GeneratedShapesConfig(0, 10, 1, 28, 3, 2, 0.1)));
        assertEquals(2, s.tasks().size());
        assertEquals(15, s.tasks().get(0).train().size());
        assertEquals(10, s.tasks().get(1).test().size());
        assertArrayEquals(new long[] {1, 28, 28}, s.featureShapes().get("image"));
        List<Integer> all = new ArrayList<>();
        s.tasks().forEach(t -> Arrays.stream(t.info().classes()).forEach(all::add));
        assertEquals(10, new HashSet<>(all).size());
    }
}
