package dev.perennial.deepfake.curriculum;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hand-off between the {@code quality-curriculum} sampler and its {@code quality-freda} companion augmenter.
 *
 * <p>The SPI lets a sampler choose the order of samples but not change them, and lets an augmenter change a batch
 * but not see the sampler. QCF needs both (specs/deepfake.md §A.1.3: X'_t = H_t ∪ FreDA(E_t)), so the two plugins
 * of one run share this board: the sampler posts the data-set ids it rates low-quality each epoch; the augmenter
 * replaces exactly those fakes in each batch by their FreDA mix with the paired real frame, and posts the step's
 * learning rate, which the sampler needs for the learning-rate-scaled hardness forms ({@link LossScaling}) and the
 * SPI's {@code observe} does not carry.
 *
 * <p>Plugins find the board of their run by {@link #forRun(Path, String)}: the key is the run directory (the
 * parent of the plugin folders the runtime lends, {@code <run>/plugins/<slot>}) and the configured board name.
 * Java users may instead pass one board object to both constructors.
 */
public final class QualityBoard {
    private static final Map<String, QualityBoard> BOARDS = new ConcurrentHashMap<>();

    private volatile Set<Long> lowQuality = Set.of();
    private volatile double learningRate = Double.NaN;
    private volatile double maxLearningRate = Double.NaN;

    /** Makes a board that no run shares (Java use and tests). */
    public QualityBoard() {}

    /**
     * The board of a run.
     *
     * @param pluginFolder the folder the runtime lent the plugin ({@code PluginContext.workDirectory()})
     * @param name the board name from the config (both plugins must use the same)
     * @return the shared board, made on first use
     */
    public static QualityBoard forRun(Path pluginFolder, String name) {
        Path abs = pluginFolder.toAbsolutePath().normalize();
        Path plugins = abs.getParent();
        Path run = plugins != null && plugins.getFileName() != null
                && plugins.getFileName().toString().equals("plugins") && plugins.getParent() != null
                ? plugins.getParent() : abs;
        return BOARDS.computeIfAbsent(run + "#" + name, k -> new QualityBoard());
    }

    /**
     * Posts the low-quality samples of the coming epoch.
     *
     * @param ids their data-set ids
     */
    public void postLowQuality(Set<Long> ids) {
        lowQuality = Set.copyOf(ids);
    }

    /**
     * Whether a sample is rated low-quality this epoch.
     *
     * @param id its data-set id
     * @return true when FreDA should soften it
     */
    public boolean isLowQuality(long id) {
        return lowQuality.contains(id);
    }

    /**
     * The ids rated low-quality this epoch.
     *
     * @return an immutable set
     */
    public Set<Long> lowQuality() {
        return lowQuality;
    }

    /**
     * Posts the learning rate of the current step.
     *
     * @param eta η_t &gt; 0
     */
    public synchronized void postLearningRate(double eta) {
        if (eta > 0 && Double.isFinite(eta)) {
            learningRate = eta;
            maxLearningRate = Double.isNaN(maxLearningRate) ? eta : Math.max(maxLearningRate, eta);
        }
    }

    /**
     * Restores the highest learning rate posted so far (from a checkpoint), so that {@code lr-max-ratio} scaling
     * after a resume divides by the run's maximum, not by the maximum since the resume.
     *
     * @param eta the checkpointed maximum; ignored unless finite and positive
     */
    public synchronized void restoreMaxLearningRate(double eta) {
        if (eta > 0 && Double.isFinite(eta)) {
            maxLearningRate = Double.isNaN(maxLearningRate) ? eta : Math.max(maxLearningRate, eta);
        }
    }

    /**
     * The last posted learning rate.
     *
     * @return η_t, NaN when none was posted
     */
    public double learningRate() {
        return learningRate;
    }

    /**
     * The largest posted learning rate.
     *
     * @return η_max, NaN when none was posted
     */
    public double maxLearningRate() {
        return maxLearningRate;
    }
}
