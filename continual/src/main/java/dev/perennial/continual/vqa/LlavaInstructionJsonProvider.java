package dev.perennial.continual.vqa;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.ConfigDoc;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

import java.util.List;

/**
 * Provides {@link LlavaInstructionJson} under the name {@code llava-instruction-json}: LLaVA-style instruction
 * JSON files (as CoIN ships its annotations) plus an image folder, one or more named tasks.
 */
@PluginName("llava-instruction-json")
public final class LlavaInstructionJsonProvider
        extends AbstractPluginProvider<LlavaInstructionJsonProvider.Config, DatasetSource>
        implements DatasetSourceProvider<LlavaInstructionJsonProvider.Config> {
    /** Creates the provider. */
    public LlavaInstructionJsonProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Config.class, () -> new Config("", List.of(), 336),
                "LLaVA-style instruction JSON (id, image, conversations with human/gpt turns) plus an image folder;"
                + " one task per file pair.");
    }

    /**
     * One task's files.
     *
     * @param name the task name (the scenario's task)
     * @param train the training JSON (array of {@code {id, image, conversations}})
     * @param test the test JSON, same format
     * @param scorer the CoIN scorer of this task's answers
     */
    public record TaskFiles(
            @ConfigDoc("Task name, e.g. ScienceQA.") @JsonProperty("name") String name,
            @ConfigDoc("Training annotations: a JSON array of {id, image, conversations:[{from, value}]}.")
            @JsonProperty("train") String train,
            @ConfigDoc("Test annotations, same format.") @JsonProperty("test") String test,
            @ConfigDoc("Scorer: choice, vqa, substring, exact, exact-skip-unanswerable, grounding.")
            @JsonProperty("scorer") AnswerScorer scorer) {
        /** Defaults the scorer to exact match. */
        public TaskFiles {
            scorer = scorer == null ? AnswerScorer.EXACT : scorer;
        }
    }

    /**
     * Configuration.
     *
     * @param imageFolder the folder the {@code image} fields are relative to
     * @param tasks the tasks, in order
     * @param imageSize every image is padded to a square (LLaVA's {@code pad}, background = CLIP mean) and resized
     *                  to this side, so a batch can be stacked; the learner's processor resizes again
     */
    public record Config(
            @ConfigDoc("Folder the 'image' fields are relative to (required).") @JsonProperty("imageFolder") String imageFolder,
            @ConfigDoc("Tasks: name, train, test, scorer.") @JsonProperty("tasks") List<TaskFiles> tasks,
            @ConfigDoc("Images are padded to a square and resized to this side, 8..1024 (336 for LLaVA-1.5).")
            @JsonProperty("imageSize") int imageSize) {
        /** Copies the list. */
        public Config {
            tasks = tasks == null ? List.of() : List.copyOf(tasks);
        }
    }

    @Override
    public DatasetSource create(Config config, PluginContext context) {
        return LlavaInstructionJson.open(config);
    }
}
