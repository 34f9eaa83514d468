package dev.perennial.api.checkpoint;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What a checkpoint holds: where the run stood, the plugins' states, and the results so far.
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
 */
public record CheckpointManifest(@JsonProperty("formatVersion") int formatVersion,
                                 @JsonProperty("runSeed") long runSeed,
                                 @JsonProperty("nextTask") int nextTask,
                                 @JsonProperty("nextEpoch") int nextEpoch,
                                 @JsonProperty("nextBatch") int nextBatch,
                                 @JsonProperty("globalStep") long globalStep,
                                 @JsonProperty("taskStep") long taskStep,
                                 @JsonProperty("matrixRows") List<double[]> matrixRows,
                                 @JsonProperty("beforeTraining") double[] beforeTraining,
                                 @JsonProperty("lossHistory") List<List<Double>> lossHistory,
                                 @JsonProperty("nanSkips") long nanSkips,
                                 @JsonProperty("plugins") List<PluginRecord> plugins,
                                 @JsonProperty("modelFile") String modelFile,
                                 @JsonProperty("optimizerFile") String optimizerFile,
                                 @JsonProperty("extra") Map<String, Object> extra) {
    /** The current format. */
    public static final int FORMAT = 1;
}
