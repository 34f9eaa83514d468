package dev.perennial.example;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LearnerProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.ScenarioInfo;
import dev.perennial.spi.SpiVersion;
import java.util.Set;

/**
 * The factory the registry discovers for {@code example-linear}.
 *
 * <p>What every provider does:
 * <ul>
 *   <li>carries {@link PluginName}, so the registry indexes it by name without instantiating it;</li>
 *   <li>has a public no-argument constructor that does no work: here it only hands its metadata to
 *       {@link AbstractPluginProvider};</li>
 *   <li>passes {@code SpiVersion.CURRENT} as its SPI version: the constant is compiled into this class, so the
 *       registry learns which SPI the plugin was built against and refuses an incompatible one;</li>
 *   <li>declares its configuration record and its defaults, and builds the plugin in {@link #create} from the
 *       bound configuration and the small {@link PluginContext} the runtime lends it.</li>
 * </ul>
 */
@PluginName("example-linear")
public final class LinearSoftmaxProvider extends AbstractPluginProvider<LinearSoftmaxConfig, Learner>
        implements LearnerProvider<LinearSoftmaxConfig> {
    /** The plugin's own version, written into checkpoints and reports. */
    public static final String VERSION = "1.0.0";

    /** Creates the provider. */
    public LinearSoftmaxProvider() {
        super(SpiVersion.CURRENT, VERSION, LinearSoftmaxConfig.class, LinearSoftmaxConfig::defaults,
                "Linear softmax classifier on the flattened image, trained by cross-entropy (the plugin template).");
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL);
    }

    /**
     * Sizes the classifier from the configuration, or from the scenario where the configuration says 0.
     *
     * @throws IllegalArgumentException naming the field to set when neither gives a size
     */
    @Override
    public Learner create(LinearSoftmaxConfig config, PluginContext context) {
        int classes = config.classes() > 0 ? config.classes()
                : context.scenario().map(ScenarioInfo::classCount).filter(n -> n > 0).orElseThrow(() ->
                        new IllegalArgumentException("example-linear: set 'classes' (there is no scenario to take"
                                + " the class count from)"));
        long inputSize = config.inputSize() > 0 ? config.inputSize()
                : context.scenario().map(s -> s.featureShapes().get("image")).map(LinearSoftmaxProvider::product)
                .orElseThrow(() -> new IllegalArgumentException("example-linear: set 'inputSize' (the scenario"
                        + " gives no 'image' feature shape to take it from)"));
        return new LinearSoftmaxLearner(classes, inputSize, config.initStd(), context.seed(), context.manager());
    }

    private static long product(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
