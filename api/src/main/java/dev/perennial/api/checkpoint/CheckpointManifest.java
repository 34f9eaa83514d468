package dev.perennial.api.checkpoint;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.perennial.api.metrics.NanAsNull;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a checkpoint holds: where the run stood, the plugins' states, the results so far, and a checksum of every
 * file beside it. Scores not evaluated are JSON {@code null} ({@link NanAsNull}).
 *
 * <p>Format versions: 1 had no checksums, timings, per-task skip counts or other metrics' rows (those were in
 * {@code extra.otherMetrics}); version 2 adds them. Both are read.
 *
 * @param formatVersion this manifest's format version
 * @param runSeed the run seed
 * @param nextTask the task to train next
 * @param nextEpoch the epoch to continue in
 * @param nextBatch the batch of that epoch to continue at
 * @param globalStep optimizer steps taken
 * @param taskStep optimizer steps taken within the current task
 * @param matrixRows the accuracy matrix rows evaluated so far (row i after task i)
 * @param beforeTraining the scores before any training, if evaluated (for forward transfer)
 * @param lossHistory the mean training loss per task so far
 * @param nanSkips steps the NaN guard dropped so far
 * @param plugins the plugins' records
 * @param modelFile the safetensors file of the model and distiller parameters
 * @param optimizerFile the safetensors file of the optimizer state
 * @param extra anything else, e.g. the experiment's name
 * @param checksums file name (relative) to the length and SHA-256 of every file of the checkpoint but the
 *     manifest; null in format 1
 * @param timings the run's cumulative seconds so far ({@code total}, {@code train}, {@code evaluate},
 *     {@code checkpoint}), over every resume; null in format 1
 * @param otherMatrixRows the other metrics' rows so far, by metric name; null in format 1
 * @param nanSkipsPerTask steps the NaN guard dropped in each task so far; null in format 1
 * @param lossTermHistory per task so far, each loss term's values at the logged steps (report.json's
 *     {@code lossTerms}); null in checkpoints written before it existed
 */
public record CheckpointManifest(@JsonProperty("formatVersion") int formatVersion,
                                 @JsonProperty("runSeed") long runSeed,
                                 @JsonProperty("nextTask") int nextTask,
                                 @JsonProperty("nextEpoch") int nextEpoch,
                                 @JsonProperty("nextBatch") int nextBatch,
                                 @JsonProperty("globalStep") long globalStep,
                                 @JsonProperty("taskStep") long taskStep,
                                 @JsonProperty("matrixRows") @JsonSerialize(using = NanAsNull.Writer.class)
                                 @JsonDeserialize(using = NanAsNull.Reader.class) List<double[]> matrixRows,
                                 @JsonProperty("beforeTraining") @JsonSerialize(using = NanAsNull.Writer.class)
                                 @JsonDeserialize(using = NanAsNull.Reader.class) double[] beforeTraining,
                                 @JsonProperty("lossHistory") @JsonSerialize(using = NanAsNull.Writer.class)
                                 @JsonDeserialize(using = NanAsNull.Reader.class) List<List<Double>> lossHistory,
                                 @JsonProperty("nanSkips") long nanSkips,
                                 @JsonProperty("plugins") List<PluginRecord> plugins,
                                 @JsonProperty("modelFile") String modelFile,
                                 @JsonProperty("optimizerFile") String optimizerFile,
                                 @JsonProperty("extra") Map<String, Object> extra,
                                 @JsonProperty("checksums") Map<String, CheckpointFile> checksums,
                                 @JsonProperty("timings") Map<String, Double> timings,
                                 @JsonProperty("otherMatrixRows") @JsonSerialize(using = NanAsNull.Writer.class)
                                 @JsonDeserialize(using = NanAsNull.Reader.class)
                                 Map<String, List<double[]>> otherMatrixRows,
                                 @JsonProperty("nanSkipsPerTask") List<Long> nanSkipsPerTask,
                                 @JsonProperty("lossTermHistory") List<Map<String, List<Double>>> lossTermHistory) {
    /** The current format. */
    public static final int FORMAT = 2;

    /**
     * A manifest without loss-term history (as written before it existed).
     *
     * @param formatVersion the format
     * @param runSeed the run seed
     * @param nextTask the task to continue with
     * @param nextEpoch the epoch to continue with
     * @param nextBatch the batch to continue with
     * @param globalStep optimizer steps so far
     * @param taskStep optimizer steps of the current task so far
     * @param matrixRows the accuracy matrix's rows so far
     * @param beforeTraining the scores before training
     * @param lossHistory the loss curves so far
     * @param nanSkips steps the NaN guard dropped
     * @param plugins each plugin's state record
     * @param modelFile the parameters' file
     * @param optimizerFile the optimizer state's file
     * @param extra extra entries
     * @param checksums each file's length and SHA-256
     * @param timings seconds so far
     * @param otherMatrixRows the other metrics' rows so far
     * @param nanSkipsPerTask skipped steps per task so far
     */
    public CheckpointManifest(int formatVersion, long runSeed, int nextTask, int nextEpoch, int nextBatch,
                              long globalStep, long taskStep, List<double[]> matrixRows, double[] beforeTraining,
                              List<List<Double>> lossHistory, long nanSkips, List<PluginRecord> plugins,
                              String modelFile, String optimizerFile, Map<String, Object> extra,
                              Map<String, CheckpointFile> checksums, Map<String, Double> timings,
                              Map<String, List<double[]>> otherMatrixRows, List<Long> nanSkipsPerTask) {
        this(formatVersion, runSeed, nextTask, nextEpoch, nextBatch, globalStep, taskStep, matrixRows, beforeTraining,
                lossHistory, nanSkips, plugins, modelFile, optimizerFile, extra, checksums, timings, otherMatrixRows,
                nanSkipsPerTask, null);
    }

    /** The oldest format this Perennial reads. */
    public static final int OLDEST_FORMAT = 1;

    /**
     * This manifest with the checksums of its files.
     *
     * @param fileChecksums file name to its length and SHA-256
     * @return a copy
     */
    public CheckpointManifest withChecksums(Map<String, CheckpointFile> fileChecksums) {
        return new CheckpointManifest(formatVersion, runSeed, nextTask, nextEpoch, nextBatch, globalStep, taskStep,
                matrixRows, beforeTraining, lossHistory, nanSkips, plugins, modelFile, optimizerFile, extra,
                new LinkedHashMap<>(fileChecksums), timings, otherMatrixRows, nanSkipsPerTask, lossTermHistory);
    }
}
