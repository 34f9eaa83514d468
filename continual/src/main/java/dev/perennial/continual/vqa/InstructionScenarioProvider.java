package dev.perennial.continual.vqa;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.ConfigDoc;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.Scenario;
import dev.perennial.spi.ScenarioProvider;
import dev.perennial.spi.SpiVersion;
import dev.perennial.spi.Task;
import dev.perennial.spi.TaskInfo;
import dev.perennial.spi.TaskSplitter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code instruction}: one task per instruction task name (the example text {@code task}), in the order the
 * names first appear in the training split or in the configured order. With {@code joint} every task's data
 * forms ONE task (train and test are the unions): that is how the {@code multitask} upper bound runs in the
 * sequential loop, trained once on everything, so its accuracy matrix has a single cell.
 */
@PluginName("instruction")
public final class InstructionScenarioProvider
        extends AbstractPluginProvider<InstructionScenarioProvider.Config, TaskSplitter>
        implements ScenarioProvider<InstructionScenarioProvider.Config> {
    /** Creates the provider. */
    public InstructionScenarioProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Config.class, () -> new Config(List.of(), false, 0),
                "Instruction tasks by task name (one task each, or one joint task for the multitask upper bound).");
    }

    /**
     * Configuration.
     *
     * @param tasks task names in training order (a subset is allowed); empty = the data's order
     * @param joint put every selected task from {@code jointFrom} on into one task named {@code joint}
     * @param jointFrom with {@code joint}, the tasks before this position stay separate (e.g. a base task)
     */
    public record Config(
            @ConfigDoc("Task names in training order (a subset is allowed); empty = order of first appearance.")
            @JsonProperty("tasks") List<String> tasks,
            @ConfigDoc("One joint task holding every selected task's data (the multitask upper bound).")
            @JsonProperty("joint") boolean joint,
            @ConfigDoc("With joint: the tasks before this position stay separate tasks (e.g. 1 for a base task).")
            @JsonProperty("jointFrom") int jointFrom) {
        /** Copies the list and validates. */
        public Config {
            tasks = tasks == null ? List.of() : List.copyOf(tasks);
            if (jointFrom < 0) {
                throw new IllegalArgumentException("scenario 'instruction' jointFrom must be >= 0, was " + jointFrom);
            }
        }

        /**
         * One task per name.
         *
         * @param tasks the order, empty for the data's
         * @param joint whether to join them
         */
        public Config(List<String> tasks, boolean joint) {
            this(tasks, joint, 0);
        }
    }

    @Override
    public TaskSplitter create(Config config, PluginContext context) {
        return source -> split(source, config);
    }

    static Scenario split(DatasetSource source, Config config) {
        Map<String, List<Integer>> train = byTask(source.train(), source.describe() + " train split");
        Map<String, List<Integer>> test = byTask(source.test(), source.describe() + " test split");
        List<String> order = config.tasks().isEmpty() ? new ArrayList<>(train.keySet()) : config.tasks();
        for (String name : order) {
            if (!train.containsKey(name)) {
                throw new IllegalArgumentException("scenario 'instruction': task '" + name + "' has no training"
                        + " examples in " + source.describe() + "; it has " + train.keySet());
            }
        }
        List<Task> tasks = new ArrayList<>();
        if (config.joint()) {
            if (config.jointFrom() >= order.size()) {
                throw new IllegalArgumentException("scenario 'instruction' jointFrom " + config.jointFrom()
                        + " leaves no task to join; tasks are " + order);
            }
            for (String name : order.subList(0, config.jointFrom())) {
                tasks.add(task(tasks.size(), name, source, train.get(name), test.getOrDefault(name, List.of())));
            }
            List<Integer> tr = new ArrayList<>();
            List<Integer> te = new ArrayList<>();
            for (String name : order.subList(config.jointFrom(), order.size())) {
                tr.addAll(train.get(name));
                te.addAll(test.getOrDefault(name, List.of()));
            }
            tasks.add(task(tasks.size(), "joint", source, tr, te));
        } else {
            for (String name : order) {
                tasks.add(task(tasks.size(), name, source, train.get(name), test.getOrDefault(name, List.of())));
            }
        }
        return new Scenario("instruction" + (config.joint() ? "-joint" : "") + ":" + String.join(",", order),
                List.of(), tasks, Map.of());
    }

    private static Task task(int index, String name, DatasetSource source, List<Integer> train, List<Integer> test) {
        if (test.isEmpty()) {
            throw new IllegalArgumentException("scenario 'instruction': task '" + name + "' has no test examples in "
                    + source.describe());
        }
        int[] tr = train.stream().mapToInt(Integer::intValue).toArray();
        int[] te = test.stream().mapToInt(Integer::intValue).toArray();
        return new Task(new TaskInfo(index, name, new int[0], tr.length, te.length), source.train().subset(tr),
                source.test().subset(te));
    }

    private static Map<String, List<Integer>> byTask(DatasetSplit split, String where) {
        String[] names;
        if (split instanceof TaskTaggedSplit tagged) {
            names = tagged.taskNames();
        } else {
            names = new String[split.size()];
            for (int i = 0; i < names.length; i++) {
                names[i] = split.get(i).texts().get(TaskTaggedSplit.TASK_TEXT);
                if (names[i] == null) {
                    throw new IllegalArgumentException("scenario 'instruction': example " + i + " of " + where
                            + " has no '" + TaskTaggedSplit.TASK_TEXT + "' text");
                }
            }
        }
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            out.computeIfAbsent(names[i], k -> new ArrayList<>()).add(i);
        }
        return out;
    }
}
