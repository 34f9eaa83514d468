package dev.perennial.slerpface.learn;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LearnerProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/** The factory of the {@code slerpface-grouping} learner (the recogniser with its group-weight head). */
@PluginName("slerpface-grouping")
public final class SlerpFaceLearnerProvider extends AbstractPluginProvider<SlerpFaceLearnerConfig, Learner>
        implements LearnerProvider<SlerpFaceLearnerConfig> {
    /** Creates the provider. */
    public SlerpFaceLearnerProvider() {
        super(SpiVersion.CURRENT, "1.0.0", SlerpFaceLearnerConfig.class, SlerpFaceLearnerConfig::defaults,
                "SlerpFace recogniser: ResNet body, 1x1 group features, softmax group-weight attention; ArcFace on"
                + " the grouped template plus an xCos-style weight regression.");
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL);
    }

    /**
     * Sizes the network from the scenario's {@code image} shape and identity count, and initialises it from the
     * plugin's seed (the engine is seeded with {@code context.seed()} first).
     *
     * @throws IllegalArgumentException when there is no scenario or no square {@code image} feature
     */
    @Override
    public Learner create(SlerpFaceLearnerConfig config, PluginContext context) {
        ScenarioInfo scenario = context.scenario().orElseThrow(() -> new IllegalArgumentException(
                "slerpface-grouping: needs a scenario (identities and image shape); create it inside a run"));
        long[] image = scenario.featureShapes().get("image");
        if (image == null) {
            throw new IllegalArgumentException("slerpface-grouping: the scenario has no 'image' feature; it has "
                    + scenario.featureShapes().keySet());
        }
        // The network is initialised here, before the loop seeds the engine for the first task: without a seed its
        // random weights came from the engine's unseeded stream and differed from process to process (two runs of
        // one experiment disagreed from step 1). The plugin's seed derives from the run seed.
        context.manager().getEngine().setRandomSeed((int) context.seed());
        return new SlerpFaceLearner(config, image, scenario.classCount(), context.manager());
    }
}
