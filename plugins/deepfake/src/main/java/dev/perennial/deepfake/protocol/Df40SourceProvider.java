package dev.perennial.deepfake.protocol;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSourceProvider;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The factory of the {@code df40-protocol} data set: train on the protocol's training split, evaluate on its
 * held-out validation split (model selection) or on a test group.
 */
@PluginName("df40-protocol")
public final class Df40SourceProvider extends AbstractPluginProvider<Df40SourceConfig, DatasetSource>
        implements DatasetSourceProvider<Df40SourceConfig> {
    /** Creates the provider. */
    public Df40SourceProvider() {
        super(SpiVersion.CURRENT, "1.0.0", Df40SourceConfig.class, Df40SourceConfig::defaults,
                "A deepfake frame index cut by a DF40 protocol (P1-P4): training split, held-out validation split "
                + "or a test group of unseen forgeries/domains; labels 0 real, 1 fake.");
    }

    @Override
    public DatasetSource create(Df40SourceConfig config, PluginContext context) {
        return open(config);
    }

    /**
     * Opens the data set without a runtime.
     *
     * @param config the configuration
     * @return the source
     * @throws IllegalArgumentException naming the field when the index, protocol or group is wrong
     */
    public static DatasetSource open(Df40SourceConfig config) {
        if (config.indexFile().isEmpty()) {
            throw new IllegalArgumentException("df40-protocol config field 'indexFile' is required");
        }
        Path indexFile = Path.of(config.indexFile());
        ForgeryIndex index = ForgeryIndex.read(indexFile);
        Path root = config.root().isEmpty() ? indexFile.toAbsolutePath().getParent() : Path.of(config.root());
        ProtocolSpec.ModelSelection selection = "df40-compatible".equals(config.selection())
                ? ProtocolSpec.ModelSelection.DF40_COMPATIBLE_TEST_SELECTION
                : ProtocolSpec.ModelSelection.HELD_OUT_VALIDATION;
        ProtocolSpec spec = switch (config.protocol()) {
            case "p1" -> Df40Protocols.p1(config.train(), selection, config.seed());
            case "p2" -> Df40Protocols.p2(config.train(), selection, config.seed());
            case "p3" -> Df40Protocols.p3(config.train(), config.seed());
            default -> Df40Protocols.p4(config.train(), index.fakeMethods(), config.seed());
        };
        ProtocolSplit split = index.split(spec);
        List<ForgeryRecord> evaluation;
        if ("validation".equals(config.evaluateOn())) {
            evaluation = split.validation();
        } else if (config.testGroup().isEmpty()) {
            evaluation = new ArrayList<>();
            java.util.Set<ForgeryRecord> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (List<ForgeryRecord> g : split.test().values()) {
                for (ForgeryRecord r : g) {
                    if (seen.add(r)) {
                        evaluation.add(r);
                    }
                }
            }
        } else {
            evaluation = split.test().get(config.testGroup());
            if (evaluation == null) {
                throw new IllegalArgumentException("df40-protocol config field 'testGroup' is '" + config.testGroup()
                        + "'; protocol " + spec.name() + " has the groups " + split.test().keySet());
            }
        }
        DatasetSplit train = new ForgeryImageSplit(index, split.train(), root, config.imageSize());
        DatasetSplit eval = new ForgeryImageSplit(index, evaluation, root, config.imageSize());
        String describe = spec.name() + " over " + indexFile + " (evaluate on " + config.evaluateOn()
                + (config.testGroup().isEmpty() ? "" : " " + config.testGroup())
                + (split.selectedOnTestData() ? "; DF40-compatible: the model is selected on test data" : "") + ")";
        return new DatasetSource() {
            @Override
            public DatasetSplit train() {
                return train;
            }

            @Override
            public DatasetSplit test() {
                return eval;
            }

            @Override
            public String describe() {
                return describe;
            }
        };
    }
}
