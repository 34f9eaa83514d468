package dev.perennial.api.data;

import dev.perennial.spi.Capability;
import dev.perennial.spi.PluginName;
import java.util.Set;

/** Provides the {@link ClassIncrementalSplitter} under the name {@code class-incremental}. */
@PluginName("class-incremental")
public final class ClassIncrementalProvider extends ClassSplitProvider {
    /** Creates the provider. */
    public ClassIncrementalProvider() {
        super("Cuts a labelled data set into tasks of disjoint classes (B0-IncK or Bm-IncK, class order from a seed).");
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL);
    }
}
