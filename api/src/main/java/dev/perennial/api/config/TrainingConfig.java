package dev.perennial.api.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.spi.ConfigDoc;
import dev.perennial.spi.ParameterGroup;
import java.util.List;
import java.util.Map;

/**
 * How the shared loop trains: optimizer, schedule, batches, accumulation, clipping, the NaN guard.
 *
 * @param optimizer the optimizer
 * @param learningRate the base learning rate
 * @param momentum SGD momentum
 * @param nesterov SGD Nesterov momentum
 * @param weightDecay weight decay (coupled L2 for SGD, decoupled for AdamW)
 * @param beta1 AdamW first-moment decay
 * @param beta2 AdamW second-moment decay
 * @param epsilon AdamW denominator epsilon
 * @param schedule the learning-rate schedule within each task
 * @param warmupSteps linear warm-up steps at the start of each task
 * @param minLearningRate the cosine schedule's floor
 * @param epochs epochs per task
 * @param batchSize training batch size
 * @param evalBatchSize evaluation batch size
 * @param accumulationSteps optimizer step every this many batches
 * @param gradientClipNorm clip the global gradient L2 norm to this (0 = off)
 * @param nanPolicy what to do when the loss or a gradient is NaN or infinite
 * @param maxNanSkips give up after this many skipped steps in a row
 * @param maxSkippedShare give up when more than this share of a task's steps was skipped
 * @param lossWeights weight of each named loss term (missing names weigh 1)
 * @param parameterGroups per-group learning-rate scales and weight decays (override the learner's)
 * @param resetOptimizerEachTask start each task with fresh optimizer state
 * @param dataWorkers threads that decode examples off the training thread
 * @param prefetchBatches batches decoded ahead (bounded queue)
 * @param logEverySteps emit a step event every this many optimizer steps
 * @param precision the forward's precision: fp32 (default), fp16 (fp32 master weights and optimizer state,
 *     dynamic loss scaling) or bf16 (no scaling); the reduced ones need an engine that runs them on the device
 */
public record TrainingConfig(
        @ConfigDoc("Optimizer: sgd (with momentum) or adamw.") @JsonProperty("optimizer") Optimizer optimizer,
        @ConfigDoc("Base learning rate, > 0.") @JsonProperty("learningRate") double learningRate,
        @ConfigDoc("SGD momentum in [0, 1).") @JsonProperty("momentum") double momentum,
        @ConfigDoc("SGD Nesterov momentum.") @JsonProperty("nesterov") boolean nesterov,
        @ConfigDoc("Weight decay >= 0: L2 added to the gradient for sgd, decoupled for adamw.") @JsonProperty("weightDecay") double weightDecay,
        @ConfigDoc("AdamW beta1 in [0, 1).") @JsonProperty("beta1") double beta1,
        @ConfigDoc("AdamW beta2 in [0, 1).") @JsonProperty("beta2") double beta2,
        @ConfigDoc("AdamW epsilon > 0.") @JsonProperty("epsilon") double epsilon,
        @ConfigDoc("Learning-rate schedule within a task: constant or cosine.") @JsonProperty("schedule") Schedule schedule,
        @ConfigDoc("Linear warm-up steps at the start of each task, >= 0.") @JsonProperty("warmupSteps") int warmupSteps,
        @ConfigDoc("Floor of the cosine schedule, >= 0.") @JsonProperty("minLearningRate") double minLearningRate,
        @ConfigDoc("Epochs per task, >= 1.") @JsonProperty("epochs") int epochs,
        @ConfigDoc("Training batch size, >= 1.") @JsonProperty("batchSize") int batchSize,
        @ConfigDoc("Evaluation batch size, >= 1.") @JsonProperty("evalBatchSize") int evalBatchSize,
        @ConfigDoc("Gradient accumulation: one optimizer step every this many batches, >= 1.") @JsonProperty("accumulationSteps") int accumulationSteps,
        @ConfigDoc("Clip the global gradient L2 norm to this value; 0 turns clipping off.") @JsonProperty("gradientClipNorm") double gradientClipNorm,
        @ConfigDoc("On a NaN or infinite loss or gradient: skip (drop the step), fail (stop the run).") @JsonProperty("nanPolicy") NanPolicy nanPolicy,
        @ConfigDoc("With nanPolicy skip: stop after this many skipped steps in a row, >= 1.") @JsonProperty("maxNanSkips") int maxNanSkips,
        @ConfigDoc("With nanPolicy skip: fail the run when more than this share of a task's optimizer steps was skipped, in [0, 1] (1 = never).") @JsonProperty("maxSkippedShare") double maxSkippedShare,
        @ConfigDoc("Weight of each named loss term; terms not listed weigh 1.") @JsonProperty("lossWeights") Map<String, Double> lossWeights,
        @ConfigDoc("Parameter groups (name, pattern, learningRateScale, weightDecay); first match wins, before the learner's own groups.") @JsonProperty("parameterGroups") List<ParameterGroup> parameterGroups,
        @ConfigDoc("Reset optimizer state (momenta) at the start of each task.") @JsonProperty("resetOptimizerEachTask") boolean resetOptimizerEachTask,
        @ConfigDoc("Threads that decode examples off the training thread, >= 1.") @JsonProperty("dataWorkers") int dataWorkers,
        @ConfigDoc("Batches decoded ahead of the training thread, >= 1.") @JsonProperty("prefetchBatches") int prefetchBatches,
        @ConfigDoc("Emit a step event (progress, JSON-lines log) every this many optimizer steps, >= 1.") @JsonProperty("logEverySteps") int logEverySteps,
        @ConfigDoc("Forward precision: fp32; fp16 (fp32 master weights and optimizer state, dynamic loss scaling as torch's GradScaler) or bf16 (no scaling), for learners that read parameters through the context's parameter store; checked against the engine before the run.") @JsonProperty("precision") Precision precision) {

    /** The precision of the forward and backward passes; master weights and optimizer state stay fp32. */
    public enum Precision {
        /** Everything in fp32 (the default; bit-identical to runs before this option). */
        @JsonProperty("fp32") FP32,
        /** bf16 forward and backward, no loss scaling (bf16 has fp32's exponent range). */
        @JsonProperty("bf16") BF16,
        /** fp16 forward and backward with dynamic loss scaling. */
        @JsonProperty("fp16") FP16
    }

    /** The optimizers the loop implements. */
    public enum Optimizer {
        /** Stochastic gradient descent with (optionally Nesterov) momentum. */
        @JsonProperty("sgd") SGD,
        /** Adam with decoupled weight decay (Loshchilov and Hutter, 2019). */
        @JsonProperty("adamw") ADAMW
    }

    /** Learning-rate schedules within a task. */
    public enum Schedule {
        /** The base rate throughout (after warm-up). */
        @JsonProperty("constant") CONSTANT,
        /** Cosine decay from the base rate to {@code minLearningRate} over the task's steps (after warm-up). */
        @JsonProperty("cosine") COSINE
    }

    /** What the NaN/Inf guard does. */
    public enum NanPolicy {
        /** Drop the step: no optimizer update, gradients cleared; counted in the report. */
        @JsonProperty("skip") SKIP,
        /** Stop the run with an error naming the task, step and loss terms. */
        @JsonProperty("fail") FAIL
    }

    /** Validates every field; messages name the field and the accepted range. */
    public TrainingConfig {
        require(learningRate > 0 && Double.isFinite(learningRate), "learningRate", learningRate, "a finite number > 0");
        require(momentum >= 0 && momentum < 1, "momentum", momentum, "[0, 1)");
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay", weightDecay, ">= 0");
        require(beta1 >= 0 && beta1 < 1, "beta1", beta1, "[0, 1)");
        require(beta2 >= 0 && beta2 < 1, "beta2", beta2, "[0, 1)");
        require(epsilon > 0, "epsilon", epsilon, "> 0");
        require(warmupSteps >= 0, "warmupSteps", warmupSteps, ">= 0");
        require(minLearningRate >= 0, "minLearningRate", minLearningRate, ">= 0");
        require(epochs >= 1, "epochs", epochs, ">= 1");
        require(batchSize >= 1, "batchSize", batchSize, ">= 1");
        require(evalBatchSize >= 1, "evalBatchSize", evalBatchSize, ">= 1");
        require(accumulationSteps >= 1, "accumulationSteps", accumulationSteps, ">= 1");
        require(gradientClipNorm >= 0, "gradientClipNorm", gradientClipNorm, ">= 0 (0 = off)");
        require(maxNanSkips >= 1, "maxNanSkips", maxNanSkips, ">= 1");
        require(maxSkippedShare >= 0 && maxSkippedShare <= 1, "maxSkippedShare", maxSkippedShare, "[0, 1]");
        require(dataWorkers >= 1, "dataWorkers", dataWorkers, ">= 1");
        require(prefetchBatches >= 1, "prefetchBatches", prefetchBatches, ">= 1");
        require(logEverySteps >= 1, "logEverySteps", logEverySteps, ">= 1");
        if (optimizer == null) {
            throw new IllegalArgumentException("training.optimizer must be one of sgd, adamw");
        }
        if (schedule == null) {
            throw new IllegalArgumentException("training.schedule must be one of constant, cosine");
        }
        if (nanPolicy == null) {
            throw new IllegalArgumentException("training.nanPolicy must be one of skip, fail");
        }
        precision = precision == null ? Precision.FP32 : precision;
        lossWeights = lossWeights == null ? Map.of() : Map.copyOf(lossWeights);
        for (Map.Entry<String, Double> e : lossWeights.entrySet()) {
            if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                throw new IllegalArgumentException("training.lossWeights." + e.getKey() + " must be a finite number, was "
                        + e.getValue());
            }
        }
        parameterGroups = parameterGroups == null ? List.of() : List.copyOf(parameterGroups);
    }

    private static void require(boolean ok, String field, Object value, String accepted) {
        if (!ok) {
            throw new IllegalArgumentException("training." + field + " = " + value + " is not accepted; expected "
                    + accepted);
        }
    }

    /**
     * The defaults: SGD, lr 0.05, momentum 0.9, cosine without warm-up, 1 epoch, batch 64.
     *
     * @return the default training configuration
     */
    public static TrainingConfig defaults() {
        return new TrainingConfig(Optimizer.SGD, 0.05, 0.9, false, 0.0, 0.9, 0.999, 1e-8, Schedule.COSINE, 0, 0.0,
                1, 64, 256, 1, 0.0, NanPolicy.SKIP, 10, 0.5, Map.of(), List.of(), true,
                Math.max(1, Runtime.getRuntime().availableProcessors() - 1), 4, 10, Precision.FP32);
    }

    /**
     * The weight of a named loss term.
     *
     * @param term the term's name
     * @return its weight, 1 when not configured
     */
    public double weightOf(String term) {
        return lossWeights.getOrDefault(term, 1.0);
    }
}
