package dev.perennial.deepfake.curriculum;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.Sampler;
import dev.perennial.spi.SamplerProvider;
import dev.perennial.spi.SpiVersion;
import java.nio.file.Path;
import java.util.Set;

/**
 * The factory of {@code quality-curriculum}: QCF's quality-centric curriculum (static score + α·decayed loss-based
 * hardness, softmax sampling with DIHCL's temperature and pacing), handing low-quality fakes to
 * {@code quality-freda}.
 */
@PluginName("quality-curriculum")
public final class QualityCurriculumProvider extends AbstractPluginProvider<QualityCurriculumConfig, Sampler>
        implements SamplerProvider<QualityCurriculumConfig> {
    /** Creates the provider. */
    public QualityCurriculumProvider() {
        super(SpiVersion.CURRENT, VERSION, QualityCurriculumConfig.class, QualityCurriculumConfig::defaults,
                "Quality-centric curriculum (QCF): FQS = decayed loss hardness + alpha * static quality, softmax "
                + "sampling with a decaying temperature and shrinking subsets; low-quality fakes go to quality-freda.");
    }

    /** The plugin's version. */
    public static final String VERSION = "1.0.0";

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CLASS_INCREMENTAL, Capability.NEEDS_PER_SAMPLE_LOSS, Capability.STATEFUL);
    }

    @Override
    public Sampler create(QualityCurriculumConfig config, PluginContext context) {
        StaticQualityScores scores = config.staticScoresFile().isEmpty() ? StaticQualityScores.none()
                : StaticQualityScores.read(Path.of(config.staticScoresFile()), config.normaliseStaticScores());
        Path folder = context.workDirectory();
        return new QualityCurriculumSampler(config, scores, QualityBoard.forRun(folder, config.board()), folder);
    }
}
