package dev.perennial.api.data;

import dev.perennial.spi.DatasetException;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import dev.perennial.spi.Scenario;
import dev.perennial.spi.Task;
import dev.perennial.spi.TaskInfo;
import dev.perennial.spi.TaskSplitter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Cuts a labelled data set into a class-incremental scenario, B{@code m}-Inc{@code K}: the class order (natural, or
 * shuffled by a seed) is cut into a first task of {@code m} classes (or {@code K} when {@code m = 0}, "B0") and
 * further tasks of {@code K} classes. Each task's training and test splits are subsets of the data set's holding
 * exactly the examples whose labels are the task's classes, in the data set's order.
 *
 * <p>Labels are not remapped: a task's examples keep their data set class ids, and {@link TaskInfo#classes()}
 * lists them in the scenario's class order. {@link Scenario#classNames()} lists every class of the data set, also
 * those of tasks dropped by {@code maxTasks}, so a single-head learner can size its head once.
 */
public final class ClassIncrementalSplitter implements TaskSplitter {
    private final ClassIncrementalConfig config;

    /**
     * Creates the splitter.
     *
     * @param config the configuration
     */
    public ClassIncrementalSplitter(ClassIncrementalConfig config) {
        this.config = config;
    }

    /**
     * The scenario's name, e.g. {@code class-incremental B0-Inc2} or {@code class-incremental B50-Inc10 seed 1993}.
     *
     * @return the name
     */
    public String scenarioName() {
        return "class-incremental B" + config.initialClasses() + "-Inc" + config.increment()
                + (!config.classOrder().isEmpty() ? " explicit order"
                : config.classOrderSeed() == ClassIncrementalConfig.NATURAL_ORDER ? ""
                : " seed " + config.classOrderSeed());
    }

    /**
     * The class order: {@code 0..classCount-1}, shuffled by {@code Collections.shuffle(list, new Random(seed))}
     * unless the seed is {@link ClassIncrementalConfig#NATURAL_ORDER}. Reproducible on every JVM, since
     * {@link Random}'s sequence is specified.
     *
     * @param classCount the number of classes
     * @return the class ids in training order
     */
    public int[] classOrder(int classCount) {
        if (!config.classOrder().isEmpty()) {
            return explicitOrder(config.classOrder(), classCount);
        }
        List<Integer> order = IntStream.range(0, classCount).boxed().collect(Collectors.toCollection(ArrayList::new));
        if (config.classOrderSeed() != ClassIncrementalConfig.NATURAL_ORDER) {
            Collections.shuffle(order, new Random(config.classOrderSeed()));
        }
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] explicitOrder(List<Integer> order, int classCount) {
        boolean[] seen = new boolean[classCount];
        for (Integer c : order) {
            if (c == null || c < 0 || c >= classCount || seen[c]) {
                throw new IllegalArgumentException("class-incremental: 'classOrder' must list every class id 0.."
                        + (classCount - 1) + " of the data set exactly once; " + (c == null || c < 0 || c >= classCount
                        ? "it has " + c : "it repeats " + c));
            }
            seen[c] = true;
        }
        if (order.size() != classCount) {
            throw new IllegalArgumentException("class-incremental: 'classOrder' must list every class id 0.."
                    + (classCount - 1) + " of the data set exactly once; it has " + order.size() + " ids");
        }
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The number of classes of each task, before {@code maxTasks} is applied.
     *
     * @param classCount the number of classes in the data set
     * @return the task sizes
     * @throws IllegalArgumentException when the classes do not divide as configured; says what would
     */
    public int[] taskSizes(int classCount) {
        int b = config.initialClasses();
        int k = config.increment();
        if (b > classCount) {
            throw new IllegalArgumentException("class-incremental: 'initialClasses' is " + b + " but the data set has "
                    + "only " + classCount + " classes; use 0 to " + classCount);
        }
        int first = b == 0 ? k : b;
        int rest = classCount - first;
        if (first > classCount || rest % k != 0) {
            throw new IllegalArgumentException("class-incremental: " + classCount + " classes cannot be cut into "
                    + (b == 0 ? "tasks of " + k + " (B0-Inc" + k + ")"
                    : "a first task of " + b + " and further tasks of " + k + " (B" + b + "-Inc" + k + ")")
                    + "; " + suggestions(classCount, b, k));
        }
        int[] sizes = new int[1 + rest / k];
        Arrays.fill(sizes, k);
        sizes[0] = first;
        return sizes;
    }

    private static String suggestions(int classCount, int b, int k) {
        int remaining = b == 0 ? classCount : classCount - b;
        List<Integer> increments = IntStream.rangeClosed(1, remaining).filter(d -> remaining % d == 0).boxed()
                .toList();
        List<Integer> initials = IntStream.range(1, classCount).filter(m -> (classCount - m) % k == 0).limit(12)
                .boxed().toList();
        return (b == 0 ? "B0 works with an increment of " : "with initialClasses " + b + " an increment of ")
                + increments + (initials.isEmpty() ? ""
                : "; with increment " + k + " set initialClasses to one of " + initials);
    }

    /**
     * Cuts the data set.
     *
     * @param source the data set; every example must be labelled
     * @return the scenario
     * @throws IllegalArgumentException when the classes do not divide as configured or the data set has no classes
     * @throws DatasetException when an example is unlabelled or a class has no training or no test examples
     */
    @Override
    public Scenario split(DatasetSource source) {
        DatasetSplit train = source.train();
        DatasetSplit test = source.test();
        List<String> classNames = train.classNames();
        int classCount = classNames.size();
        if (classCount == 0) {
            throw new IllegalArgumentException("class-incremental: data set " + source.describe()
                    + " has no class names; a class-incremental scenario needs labelled data");
        }
        if (!test.classNames().equals(classNames)) {
            throw new DatasetException("class-incremental: data set " + source.describe() + " has train classes "
                    + classNames + " but test classes " + test.classNames());
        }
        int[] sizes = taskSizes(classCount);
        int[] order = classOrder(classCount);
        int taskCount = config.maxTasks() == 0 ? sizes.length : Math.min(config.maxTasks(), sizes.length);
        int[] taskOfClass = new int[classCount];
        Arrays.fill(taskOfClass, -1);
        int at = 0;
        for (int t = 0; t < taskCount; t++) {
            for (int c = 0; c < sizes[t]; c++) {
                taskOfClass[order[at++]] = t;
            }
        }
        int[][] trainIndices = indicesByTask(train, "train", taskOfClass, taskCount, classNames, source);
        int[][] testIndices = indicesByTask(test, "test", taskOfClass, taskCount, classNames, source);
        List<Task> tasks = new ArrayList<>(taskCount);
        at = 0;
        for (int t = 0; t < taskCount; t++) {
            int[] classes = Arrays.copyOfRange(order, at, at + sizes[t]);
            at += sizes[t];
            TaskInfo info = new TaskInfo(t, "task-" + t, classes, trainIndices[t].length, testIndices[t].length);
            tasks.add(new Task(info, train.subset(trainIndices[t]), test.subset(testIndices[t])));
        }
        Example first = train.get(trainIndices[0][0]);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, Feature> feature : first.features().entrySet()) {
            shapes.put(feature.getKey(), feature.getValue().shape());
        }
        return new Scenario(scenarioName(), classNames, tasks, shapes);
    }

    private static int[][] indicesByTask(DatasetSplit split, String splitName, int[] taskOfClass, int taskCount,
                                         List<String> classNames, DatasetSource source) {
        int[] labels = split.labels();
        int[] perTask = new int[taskCount];
        int[] perClass = new int[taskOfClass.length];
        for (int i = 0; i < labels.length; i++) {
            int label = labels[i];
            if (label < 0 || label >= taskOfClass.length) {
                throw new DatasetException("class-incremental: " + splitName + " example " + i + " of "
                        + source.describe() + " has label " + label + "; labels must be class ids 0 to "
                        + (taskOfClass.length - 1));
            }
            perClass[label]++;
            if (taskOfClass[label] >= 0) {
                perTask[taskOfClass[label]]++;
            }
        }
        for (int c = 0; c < taskOfClass.length; c++) {
            if (taskOfClass[c] >= 0 && perClass[c] == 0) {
                throw new DatasetException("class-incremental: class " + c + " ('" + classNames.get(c) + "') has no "
                        + splitName + " examples in " + source.describe());
            }
        }
        int[][] out = new int[taskCount][];
        for (int t = 0; t < taskCount; t++) {
            out[t] = new int[perTask[t]];
        }
        int[] fill = new int[taskCount];
        for (int i = 0; i < labels.length; i++) {
            int t = taskOfClass[labels[i]];
            if (t >= 0) {
                out[t][fill[t]++] = i;
            }
        }
        return out;
    }
}
