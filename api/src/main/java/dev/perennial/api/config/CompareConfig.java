package dev.perennial.api.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.spi.ConfigDoc;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An experiment's {@code compare} section: run several learners on the same task sequence from one shared start.
 * The experiment's own learner trains the {@code sharedTasks} once; then it and each of {@code learners} continue
 * from the model that phase left, on the remaining tasks of the scenario's {@code tasks} list, each in its own run
 * folder, with the same run seed (paired seeds). {@code perennial run} carries this out and prints the learners'
 * accuracy matrices and a side-by-side summary; {@link dev.perennial.api.Experiment#run} ignores the section and
 * runs the experiment's learner alone.
 *
 * @param learners the learners compared with the experiment's own (a learner given without config takes the
 *                 experiment learner's {@code model} section)
 * @param sharedTasks the names of the leading tasks trained once, by the experiment's own learner
 */
public record CompareConfig(
        @ConfigDoc("Learners compared with the experiment's own; one without config takes the experiment"
                + " learner's model section.") @JsonProperty("learners") List<PluginRef> learners,
        @ConfigDoc("Names of the leading tasks trained once by the experiment's learner; every compared learner"
                + " starts from the model they leave.") @JsonProperty("sharedTasks") List<String> sharedTasks) {

    /** Validates; messages name the field. */
    public CompareConfig {
        learners = learners == null ? List.of() : List.copyOf(learners);
        sharedTasks = sharedTasks == null ? List.of() : List.copyOf(sharedTasks);
        if (learners.isEmpty()) {
            throw new IllegalArgumentException("compare.learners must name at least one learner, e.g."
                    + " compare: {learners: [lora-seq], sharedTasks: [base]}");
        }
        Set<String> seen = new HashSet<>();
        for (PluginRef l : learners) {
            if (!seen.add(l.name())) {
                throw new IllegalArgumentException("compare.learners names '" + l.name() + "' twice");
            }
        }
    }
}
