package dev.perennial.deepfake.curriculum;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.AugmenterProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;

/**
 * The factory of {@code quality-freda}: FreDA on exactly the fakes {@code quality-curriculum} rated low-quality
 * this epoch. Use both plugins in one experiment with the same {@code board} name.
 */
@PluginName("quality-freda")
public final class QualityFredaProvider extends AbstractPluginProvider<QualityFredaConfig, Augmenter>
        implements AugmenterProvider<QualityFredaConfig> {
    /** Creates the provider. */
    public QualityFredaProvider() {
        super(SpiVersion.CURRENT, QualityCurriculumProvider.VERSION, QualityFredaConfig.class,
                QualityFredaConfig::defaults,
                "FreDA (real low band + fake high band) applied to the fakes the quality-curriculum sampler rated "
                + "low-quality; needs the paired real frame as a batch input.");
    }

    @Override
    public Augmenter create(QualityFredaConfig config, PluginContext context) {
        return new QualityFredaAugmenter(config, QualityBoard.forRun(context.workDirectory(), config.board()));
    }
}
