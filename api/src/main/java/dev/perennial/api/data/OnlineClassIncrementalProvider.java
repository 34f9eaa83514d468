package dev.perennial.api.data;

import dev.perennial.spi.Capability;
import dev.perennial.spi.PluginName;
import java.util.Set;

/**
 * {@code online-class-incremental}: the tasks of {@code class-incremental} seen as a stream, every training batch
 * once (online continual learning, e.g. Aljundi et al. 2019; Mammoth's online settings): an experiment on this
 * scenario must train one epoch per task ({@code training.epochs: 1}, the default), and is refused otherwise. With
 * one pass, a rehearsal learner's buffer receives each example once.
 */
@PluginName("online-class-incremental")
public final class OnlineClassIncrementalProvider extends ClassSplitProvider {
    /** The scenario name the experiment's epoch check looks for. */
    public static final String NAME = "online-class-incremental";

    /** Creates the provider. */
    public OnlineClassIncrementalProvider() {
        super("Class-incremental tasks as a single-pass stream: every training batch is seen once (one epoch).");
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL);
    }

    @Override
    protected String scenarioName(String classIncremental) {
        return "online " + classIncremental;
    }
}
