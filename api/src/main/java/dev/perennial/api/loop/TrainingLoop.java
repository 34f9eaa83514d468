package dev.perennial.api.loop;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.perennial.api.RunReport;
import dev.perennial.api.TaskLossTerms;
import dev.perennial.api.checkpoint.CheckpointException;
import dev.perennial.api.checkpoint.CheckpointManifest;
import dev.perennial.api.checkpoint.CheckpointStore;
import dev.perennial.api.checkpoint.PluginRecord;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.TrainingConfig;
import dev.perennial.api.events.EvaluationEvent;
import dev.perennial.api.events.EvaluationProgress;
import dev.perennial.api.events.RunListener;
import dev.perennial.api.events.RunStarted;
import dev.perennial.api.events.StepEvent;
import dev.perennial.api.metrics.AccuracyMatrix;
import dev.perennial.models.nn.GcStress;
import dev.perennial.models.nn.Scalars;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.AuxiliaryModels;
import dev.perennial.spi.Batch;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Distiller;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.Metric;
import dev.perennial.spi.ParameterGroup;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.Predictions;
import dev.perennial.spi.Sampler;
import dev.perennial.spi.Scenario;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.Task;
import dev.perennial.spi.TaskData;
import dev.perennial.spi.TaskInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * The one training loop every experiment runs (DESIGN §3). Per task: learner {@code beforeTask}; per batch:
 * sampler order → decode off-thread → augmenters → one gradient collector → learner and distiller loss terms,
 * weighted and summed → backward → learner {@code afterBackward} (the raw gradients) → NaN/Inf guard, clipping
 * of the gradients in place, optimizer step → learner {@code afterStep} (the gradients the optimizer used) →
 * gradients cleared; then {@code afterTask}, evaluation of every task seen so far (one row of the accuracy
 * matrix) and a checkpoint.
 *
 * <p>Memory: every step runs inside an {@link NDScope} and a child manager of the run's manager, so every array
 * made during the step is freed when it ends. A plugin that keeps an array beyond the step must create it in its
 * own manager outside the step, or call {@code NDScope.unregister(array)} and attach it to its manager.
 *
 * <p>Determinism: the order of each epoch, the seed of each step (set as the engine's seed before the step, so
 * dropout repeats) and each plugin's seed derive from the run seed; with the same seed, configuration and CPU a
 * run gives the same metrics, also when it is resumed from a checkpoint.
 */
public final class TrainingLoop {

    /**
     * What a run trains.
     *
     * @param config the experiment
     * @param scenario the tasks
     * @param learner the learner
     * @param augmenters augmenters, in order
     * @param distillers distillers
     * @param sampler the sampler, if any
     * @param metrics the metrics; the first is primary
     * @param runDirectory the run's folder
     * @param manager the run's manager, on the training device (the first of several)
     * @param parameters the parameter store lent to plugins: the precision and the devices' replicas
     */
    public record Plan(ExperimentConfig config, Scenario scenario, PluginInstance<Learner> learner,
                       List<PluginInstance<Augmenter>> augmenters, List<PluginInstance<Distiller>> distillers,
                       Optional<PluginInstance<Sampler>> sampler, List<PluginInstance<Metric>> metrics,
                       Path runDirectory, NDManager manager, ReplicaParameterStore parameters) {

        /**
         * A plan for fp32 on the manager's device (plugins' own stores and the loop's agree).
         *
         * @param config the experiment
         * @param scenario the tasks
         * @param learner the learner
         * @param augmenters augmenters, in order
         * @param distillers distillers
         * @param sampler the sampler, if any
         * @param metrics the metrics; the first is primary
         * @param runDirectory the run's folder
         * @param manager the run's manager, on the training device
         */
        public Plan(ExperimentConfig config, Scenario scenario, PluginInstance<Learner> learner,
                    List<PluginInstance<Augmenter>> augmenters, List<PluginInstance<Distiller>> distillers,
                    Optional<PluginInstance<Sampler>> sampler, List<PluginInstance<Metric>> metrics,
                    Path runDirectory, NDManager manager) {
            this(config, scenario, learner, augmenters, distillers, sampler, metrics, runDirectory, manager,
                    ReplicaParameterStore.plain(manager));
        }
    }

    private final Plan plan;
    private final TrainingConfig training;
    private final List<RunListener> listeners;
    private final CheckpointStore store;
    private final Engine engine = Engine.getInstance();
    /** What the precision changes in a step (nothing for fp32). */
    private final StepPrecision precision;

    private final List<double[]> matrixRows = new ArrayList<>();
    private final Map<String, List<double[]>> otherRows = new LinkedHashMap<>();
    private double[] beforeTraining = new double[0];
    private final List<List<Double>> lossCurves = new ArrayList<>();
    /** Per task, each loss term's values at the logged, not skipped steps (report.json's {@code lossTerms}). */
    private final List<Map<String, List<Double>>> termHistory = new ArrayList<>();
    private long globalStep;
    /**
     * The step count the step seeds are derived from: {@link #globalStep} plus the steps of every task a learner
     * skipped because it had nothing to train (e.g. a first session loaded from a file), counted as if they had run,
     * so that later tasks draw the same dropout and replay samples as a run that trained them. Equal to
     * {@code globalStep} when no task was skipped.
     */
    private long seedStep;
    private long nanSkips;
    private final List<Long> nanSkipsPerTask = new ArrayList<>();
    private int nanRun;
    private double trainSeconds;
    private double evalSeconds;
    private double checkpointSeconds;
    /** Seconds of the run before this process resumed it (from the checkpoint), and when this process began. */
    private double earlierSeconds;
    private long started;
    /** CPU seconds of the run before this process resumed it, and the process's CPU seconds when the loop began. */
    private double earlierCpuSeconds;
    private double cpuAtStart;
    /** When the current task's gradient steps began (System.nanoTime), 0 outside them. */
    private long trainingSince;

    /**
     * Creates the loop.
     *
     * @param plan what to train
     * @param listeners observers
     */
    public TrainingLoop(Plan plan, List<RunListener> listeners) {
        this.plan = plan;
        this.training = plan.config().training();
        this.listeners = List.copyOf(listeners);
        this.store = new CheckpointStore(plan.runDirectory());
        this.precision = StepPrecision.of(training.precision());
        if (precision.compute() != plan.parameters().compute()) {
            throw new IllegalArgumentException("training.precision " + training.precision() + " computes in "
                    + precision.compute() + " but the plan's parameter store hands out " + plan.parameters().compute());
        }
    }

    /**
     * Runs the experiment from the start, or from a checkpoint.
     *
     * @param resumeFrom a checkpoint folder to continue from
     * @return the report
     */
    public RunReport run(Optional<Path> resumeFrom) {
        started = System.nanoTime();
        cpuAtStart = processCpuSeconds();
        Scenario scenario = plan.scenario();
        Learner learner = plan.learner().plugin();
        int startTask = 0;
        int startEpoch = 0;
        int startBatch = 0;
        long startTaskStep = 0;
        ExecutorService workers = Executors.newFixedThreadPool(training.dataWorkers(), daemonThreads());
        try (ParameterOptimizer runOptimizer = newOptimizer()) {
            optimizer = runOptimizer;
            if (resumeFrom.isPresent()) {
                CheckpointManifest m = restore(resumeFrom.get());
                startTask = m.nextTask();
                startEpoch = m.nextEpoch();
                startBatch = m.nextBatch();
                startTaskStep = m.taskStep();
            }
            for (RunListener l : listeners) {
                l.onRunStart(new RunStarted(plan.config().name(), plan.runDirectory(),
                        plan.manager().getDevice().toString(),
                        scenario.tasks().stream().map(t -> t.info().name()).toList(), startTask));
            }
            for (int t = startTask; t < scenario.tasks().size(); t++) {
                Task task = scenario.tasks().get(t);
                boolean midTask = t == startTask && (startEpoch > 0 || startBatch > 0 || startTaskStep > 0);
                trainTask(task, learner, workers, midTask ? startEpoch : 0, midTask ? startBatch : 0,
                        midTask ? startTaskStep : 0, midTask);
            }
        } finally {
            workers.shutdownNow();
        }
        return report(totalSeconds());
    }

    /** The process's CPU time (user + system, every thread: JVM, data workers, libtorch's pools); NaN if unknown. */
    private static double processCpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** The run's seconds so far, over every process that ran it. */
    private double totalSeconds() {
        return earlierSeconds + (System.nanoTime() - started) / 1e9;
    }

    private void trainTask(Task task, Learner learner, ExecutorService workers,
                           int firstEpoch, int firstBatch, long firstTaskStep, boolean midTask) {
        TaskInfo info = task.info();
        int t = info.index();
        long seed = plan.config().seed();
        TaskData data = new LoopTaskData(task, workers);
        while (lossCurves.size() <= t) {
            lossCurves.add(new ArrayList<>());
        }
        while (nanSkipsPerTask.size() <= t) {
            nanSkipsPerTask.add(0L);
        }
        while (termHistory.size() <= t) {
            termHistory.add(new LinkedHashMap<>());
        }
        if (!midTask) {
            engine.setRandomSeed((int) Seeds.derive(seed, "before-task", t));
            learner.beforeTask(info, data);
            plan.augmenters().forEach(a -> a.plugin().beforeTask(info));
            plan.distillers().forEach(d -> d.plugin().beforeTask(info));
            if (training.resetOptimizerEachTask()) {
                optimizer.reset();
            }
            if (t == 0 && plan.config().evaluateFutureTasks()) {
                beforeTraining = evaluateAll(learner, -1, workers, new LinkedHashMap<>()).get(0);
            }
        }
        List<TrainableParameter> params = trainableParameters(learner);
        List<Parameter> trainable = params.stream().map(TrainableParameter::parameter).toList();
        // A learner with nothing to train for this task (prototype and ridge classifiers on a frozen model) skips
        // the gradient steps; beforeTask/afterTask still run and the task is evaluated.
        int epochs = params.isEmpty() ? 0 : training.epochs();
        int batches = BatchLoader.batchCount(task.train().size(), training.batchSize());
        long stepsPerEpoch = (batches + training.accumulationSteps() - 1) / training.accumulationSteps();
        long taskSteps = stepsPerEpoch * epochs;
        LearningRateSchedule schedule = new LearningRateSchedule(training, taskSteps);
        listeners.forEach(l -> l.onTaskStart(info, taskSteps));
        long taskStep = firstTaskStep;
        long samples = 0;
        long trainStart = System.nanoTime();
        trainingSince = trainStart;
        for (int epoch = firstEpoch; epoch < epochs; epoch++) {
            int[] order = epochOrder(task, epoch);
            int startAt = epoch == firstEpoch ? firstBatch : 0;
            int epochBatches = BatchLoader.batchCount(order.length, training.batchSize());
            int micro = 0;
            try (BatchLoader loader = new BatchLoader(task.train(), order, training.batchSize(), startAt, t,
                    "task " + info.name() + " training data", workers, training.prefetchBatches())) {
                int b = startAt;
                while (loader.hasNext()) {
                    HostBatch host = loader.next();
                    boolean last = !loader.hasNext();
                    double lr = schedule.at(taskStep);
                    try (NDScope scope = new NDScope(); NDManager stepManager = plan.manager().newSubManager()) {
                        LoopStepContext ctx = new LoopStepContext(stepManager, t, epoch, globalStep, true,
                                Seeds.derive(seed, "step", seedStep, micro), lr);
                        engine.setRandomSeed((int) ctx.seed());
                        boolean logs = (taskStep + 1) % training.logEverySteps() == 0 || taskStep + 1 == taskSteps;
                        StepResult r = forwardBackward(host.toBatch(stepManager), learner, ctx, logs);
                        micro++;
                        samples += host.size();
                        if (micro == training.accumulationSteps() || last) {
                            micro = 0;
                            boolean skipped = optimizerStep(params, lr, r, info);
                            if (!skipped) {
                                learner.afterStep(ctx);
                            }
                            clearGradients(trainable, !skipped);
                            globalStep++;
                            seedStep++;
                            taskStep++;
                            lossCurves.get(t).add(r.loss);
                            long taskSkips = nanSkipsPerTask.get(t) + (skipped ? 1 : 0);
                            nanSkipsPerTask.set(t, taskSkips);
                            if (skipped) {
                                requireSkippedShare(info, taskSkips, taskSteps);
                            }
                            if (taskStep % training.logEverySteps() == 0 || taskStep == taskSteps) {
                                double sps = samples / Math.max(1e-9, (System.nanoTime() - trainStart) / 1e9);
                                StepEvent ev = new StepEvent(t, epoch, taskStep, taskSteps, globalStep, r.loss,
                                        r.terms, lr, sps, skipped, taskSkips);
                                listeners.forEach(l -> l.onStep(ev));
                                if (!skipped) {
                                    Map<String, List<Double>> history = termHistory.get(t);
                                    r.terms.forEach((k, v) -> history.computeIfAbsent(k, x -> new ArrayList<>())
                                            .add(v));
                                }
                            }
                            int every = plan.config().checkpointEverySteps();
                            if (every > 0 && globalStep % every == 0 && !(last && epoch == training.epochs() - 1)) {
                                int nextEpoch = last ? epoch + 1 : epoch;
                                int nextBatch = last ? 0 : b + 1;
                                checkpoint("step-" + globalStep, t, nextEpoch, nextBatch, taskStep);
                            }
                        }
                    }
                    GcStress.point();
                    b++;
                }
                if (b != epochBatches) {
                    throw new IllegalStateException("task " + info.name() + " epoch " + epoch + " visited " + b
                            + " of " + epochBatches + " batches");
                }
            }
        }
        if (params.isEmpty()) {
            seedStep += stepsPerEpoch * training.epochs();
        }
        trainSeconds += (System.nanoTime() - trainStart) / 1e9;
        trainingSince = 0;
        engine.setRandomSeed((int) Seeds.derive(seed, "after-task", t));
        learner.afterTask(info, data);
        Map<String, double[]> auxiliary = new LinkedHashMap<>();
        List<double[]> rows = evaluateAll(learner, t, workers, auxiliary);
        matrixRows.add(rows.get(0));
        for (int k = 1; k < plan.metrics().size(); k++) {
            otherRows.computeIfAbsent(plan.metrics().get(k).name(), n -> new ArrayList<>()).add(rows.get(k));
        }
        auxiliary.forEach((name, row) -> otherRows.computeIfAbsent(name, n -> new ArrayList<>()).add(row));
        Map<String, double[]> others = new LinkedHashMap<>();
        for (int k = 1; k < plan.metrics().size(); k++) {
            others.put(plan.metrics().get(k).name(), rows.get(k).clone());
        }
        auxiliary.forEach((name, row) -> others.put(name, row.clone()));
        EvaluationEvent ev = new EvaluationEvent(t, rows.get(0).clone(), plan.metrics().get(0).name(), others);
        listeners.forEach(l -> l.onEvaluation(ev));
        checkpoint("task-" + t, t + 1, 0, 0, 0);
    }

    /**
     * A step's loss; its terms' values when read (logging steps), and the term arrays of the step's manager,
     * valid until the step ends, to read the terms of a non-finite step.
     */
    private record StepResult(double loss, Map<String, Double> terms, Map<String, NDArray> termArrays) {
        Map<String, Double> termsRead() {
            return terms.isEmpty() ? values(termArrays) : terms;
        }
    }

    /** The terms' values, read back from the engine. */
    private static Map<String, Double> values(Map<String, NDArray> terms) {
        Map<String, Double> values = new LinkedHashMap<>();
        terms.forEach((k, v) -> values.put(k, v.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble()));
        return values;
    }

    /**
     * Fails once more than {@code training.maxSkippedShare} of a task's steps were skipped: from then on the
     * share stays above it whatever the remaining steps do, and the task's model learned from too few steps.
     */
    private void requireSkippedShare(TaskInfo task, long skippedSteps, long taskSteps) {
        if (skippedSteps > training.maxSkippedShare() * taskSteps) {
            throw new NonFiniteLossException(String.format(java.util.Locale.ROOT,
                    "task %s: %d of its %d steps were skipped for a non-finite loss or gradient (training.nanPolicy"
                            + " = skip), more than training.maxSkippedShare = %s allows; lower the learning rate"
                            + " or find the loss term that overflows", task.name(), skippedSteps, taskSteps,
                    training.maxSkippedShare()));
        }
    }

    private StepResult forwardBackward(Batch batch, Learner learner, LoopStepContext ctx, boolean logTerms) {
        for (PluginInstance<Augmenter> a : plan.augmenters()) {
            Batch next = a.plugin().apply(batch, ctx);
            if (next == null) {
                throw new IllegalStateException("augmenter '" + a.name() + "' returned no batch");
            }
            batch = next;
        }
        batch = precision.inputs(batch);
        ReplicaParameterStore parameters = plan.parameters();
        parameters.beginStep(ctx.manager());
        try {
            List<Device> devices = parameters.devices();
            List<Batch> shards = devices.size() == 1 ? List.of(batch) : DataParallelSplit.split(batch, devices);
            double loss = 0;
            Map<String, Double> values = new LinkedHashMap<>();
            Map<String, NDArray> firstTerms = null;
            List<float[]> perSample = new ArrayList<>();
            boolean perSampleComplete = true;
            try (GradientCollector collector = engine.newGradientCollector()) {
                for (int i = 0; i < shards.size(); i++) {
                    parameters.replica(i);
                    Batch shard = shards.get(i);
                    // A shard's mean loss weighs by its share of the batch, so the summed gradients are the batch's.
                    double share = shards.size() == 1 ? 1.0 : shard.size() / (double) batch.size();
                    ShardLoss s = shardLoss(shard, learner, shards.size() == 1 ? ctx : ctx.onDevice(shard), share);
                    GcStress.point();
                    collector.backward(precision.forBackward(s.total));
                    // The shard's total already carries its share (and 1 / accumulationSteps).
                    loss += s.total.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
                    if (firstTerms == null) {
                        firstTerms = s.terms;
                    }
                    if (logTerms) {
                        values(s.terms).forEach((k, v) -> values.merge(k, v * share, Double::sum));
                    }
                    Optional<NDArray> p = plan.sampler().isPresent() ? s.student.perSampleLoss() : Optional.empty();
                    if (p.isPresent()) {
                        perSample.add(p.get().toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
                    } else {
                        perSampleComplete = false;
                    }
                }
            }
            parameters.gatherGradients();
            learner.afterBackward(ctx);
            Batch seen = batch;
            if (perSampleComplete && plan.sampler().isPresent()) {
                float[] all = concat(perSample);
                plan.sampler().get().plugin().observe(seen.sampleIds(), all);
            }
            return new StepResult(loss * training.accumulationSteps(), logTerms ? values : Map.of(), firstTerms);
        } finally {
            parameters.endStep();
        }
    }

    /** A shard's weighted, summed loss (what backward differentiates, before scaling) and its terms. */
    private record ShardLoss(NDArray total, LossTerms student, Map<String, NDArray> terms) {}

    private ShardLoss shardLoss(Batch batch, Learner learner, StepContext ctx, double share) {
        LossTerms student;
        try {
            student = learner.loss(batch, ctx);
        } catch (RuntimeException e) {
            requireLoopStore(e);
            throw e;
        }
        requireLoopStore(null);
        if (student == null || student.terms().isEmpty()) {
            throw new IllegalStateException("learner '" + plan.learner().name() + "' returned no loss terms");
        }
        Map<String, NDArray> all = new LinkedHashMap<>(student.terms());
        for (PluginInstance<Distiller> d : plan.distillers()) {
            LossTerms extra = d.plugin().loss(batch, student, ctx);
            for (Map.Entry<String, NDArray> e : extra.terms().entrySet()) {
                if (all.containsKey(e.getKey())) {
                    throw new IllegalStateException("distiller '" + d.name() + "' returned loss term '"
                            + e.getKey() + "', which another plugin already returned; rename one");
                }
                all.put(e.getKey(), e.getValue());
            }
        }
        NDArray total = null;
        for (Map.Entry<String, NDArray> e : all.entrySet()) {
            double w = training.weightOf(e.getKey());
            if (w == 0) {
                continue;
            }
            // No toType here: DJL's cast detaches from the autograd graph; mixed dtypes promote instead.
            NDArray term = e.getValue().reshape();
            // The weight is an array of the step's manager, not mul(Number): DJL closes that temporary scalar
            // at once while autograd still reads it in backward (models.nn.Scalars explains).
            NDArray weighted = w == 1 ? term : Scalars.mul(term, (float) w);
            total = total == null ? weighted : total.add(weighted);
        }
        if (total == null) {
            throw new IllegalStateException("every loss term has weight 0 in training.lossWeights: "
                    + all.keySet());
        }
        double scale = share / training.accumulationSteps();
        if (scale != 1.0) {
            total = training.accumulationSteps() > 1 && share == 1.0
                    ? Scalars.div(total, (float) training.accumulationSteps()) : Scalars.mul(total, (float) scale);
        }
        return new ShardLoss(total, student, all);
    }

    /**
     * Under a reduced precision or several devices the learner must read its parameters through the loop's store
     * ({@code PluginContext.parameterStore()}); one that keeps its own store would mix dtypes, or train stale copies
     * on the other devices without a word. Checked after the learner's loss: the store handed out no copy.
     */
    private void requireLoopStore(RuntimeException cause) {
        ReplicaParameterStore parameters = plan.parameters();
        if (parameters.passThrough() || !parameters.replicatedIds().isEmpty()) {
            return;
        }
        String what = "learner '" + plan.learner().name() + "' does not read its parameters through"
                + " PluginContext.parameterStore(), so training.precision " + training.precision() + " on "
                + parameters.devices().size() + " device(s) cannot apply to it; use training.precision fp32 on one"
                + " device (no devices list) for this learner";
        throw cause == null ? new IllegalStateException(what) : new IllegalStateException(what + " (the engine said: "
                + String.valueOf(cause.getMessage()).lines().findFirst().orElse("") + ")", cause);
    }

    private static float[] concat(List<float[]> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        int n = parts.stream().mapToInt(p -> p.length).sum();
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /**
     * Guards against NaN/Inf, clips the gradients in place (global L2 norm, torch's {@code clip_grad_norm_}), and
     * updates; returns whether the step was skipped.
     */
    private boolean optimizerStep(List<TrainableParameter> params, double lr, StepResult r, TaskInfo task) {
        List<NDArray> grads = new ArrayList<>(params.size());
        NDArray[] norms = new NDArray[params.size()];
        for (int i = 0; i < norms.length; i++) {
            NDArray g = params.get(i).parameter().getArray().getGradient();
            grads.add(g);
            // ‖g‖₂ per tensor in one reduction pass without a temporary; g.square().sum() wrote and re-read a
            // gradient-sized copy (ResNet-18-CIFAR: 20.8 vs 9.5 ms a step, LoopStepCosts, interleaved medians).
            norms[i] = g.norm();
        }
        // ‖(‖g₁‖, …, ‖gₙ‖)‖₂ is the global norm; one read-back for the whole model. NaN or Inf in any gradient
        // propagates into it.
        NDArray globalNorm = norms.length == 1 ? norms[0] : NDArrays.stack(new NDList(norms)).norm();
        double norm = globalNorm.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
        boolean overflow = !Double.isFinite(norm) || !Double.isFinite(r.loss);
        // fp16: the gradients carry the loss scale; an overflow skips the step and backs the scale off, as
        // GradScaler does, and is counted with the NaN skips.
        double unscale = precision.unscale();
        precision.checked(overflow);
        if (overflow) {
            nanSkips++;
            nanRun++;
            String what = "task " + task.name() + " step " + globalStep + ": loss " + r.loss + ", gradient norm "
                    + norm + ", terms " + r.termsRead() + precision.scaler().map(sc -> ", loss scale "
                    + sc.scale() + " after backing off").orElse("");
            if (training.nanPolicy() == TrainingConfig.NanPolicy.FAIL) {
                throw new NonFiniteLossException(what + " (training.nanPolicy = fail)");
            }
            if (nanRun >= training.maxNanSkips()) {
                throw new NonFiniteLossException(what + ": " + nanRun + " non-finite steps in a row"
                        + " (training.maxNanSkips = " + training.maxNanSkips() + "); lower the learning rate");
            }
            return true;
        }
        nanRun = 0;
        if (unscale != 1.0) {
            norm *= unscale;
        }
        // One in-place multiplication unscales (fp16) and clips; fp32 without clipping multiplies by nothing.
        double scale = unscale;
        if (training.gradientClipNorm() > 0 && norm > training.gradientClipNorm()) {
            scale = unscale * (training.gradientClipNorm() / (norm + 1e-6));
        }
        for (int i = 0; i < params.size(); i++) {
            TrainableParameter p = params.get(i);
            NDArray g = grads.get(i);
            if (scale != 1.0) {
                // In place, as torch's clip_grad_norm_: the gradient array is a handle on the parameter's own
                // gradient, so afterStep (e.g. LLaCA's EMA, which differences consecutive gradients) reads exactly
                // the gradient the optimizer used, not the unclipped one.
                g.muli((float) scale);
            }
            optimizer.update(p, g, lr * p.learningRateScale());
        }
        optimizer.endStep();
        return false;
    }

    /** The run's optimizer, set by {@link #run} for its duration. */
    private ParameterOptimizer optimizer;

    private ParameterOptimizer newOptimizer() {
        return switch (training.optimizer()) {
            case SGD -> new SgdMomentum(plan.manager(), training.momentum(), training.nesterov());
            case ADAMW -> new AdamW(plan.manager(), training.beta1(), training.beta2(), training.epsilon());
        };
    }

    /**
     * Zeroes gradients in place. After a step whose global gradient norm was finite every gradient is finite, so
     * {@code g −= g} gives exact zeros; that is the cheaper kernel for the many small tensors of a model (LLaMA
     * block: 0.58 → 0.14 ms a step; ResNet-18-CIFAR: 8.2 → 4.8 ms; LoopStepCosts, interleaved medians). Otherwise
     * ({@code finite} false: a skipped NaN/Inf step, or a gradient pass whose gradients were never checked) they are
     * overwritten with {@code set}, which also clears a NaN ({@code NaN − NaN} is NaN).
     */
    private static void clearGradients(Iterable<Parameter> params, boolean finite) {
        NDIndex all = finite ? null : new NDIndex("...");
        for (Parameter p : params) {
            NDArray g = p.getArray().getGradient();
            if (finite) {
                g.subi(g);
            } else {
                g.set(all, 0f);
            }
        }
    }

    private int[] epochOrder(Task task, int epoch) {
        long seed = Seeds.derive(plan.config().seed(), "epoch-order", task.info().index(), epoch);
        if (plan.sampler().isPresent()) {
            PluginInstance<Sampler> s = plan.sampler().get();
            int[] order = s.plugin().order(task.info(), task.train().labels(), epoch, seed);
            int n = task.train().size();
            for (int i : order) {
                if (i < 0 || i >= n) {
                    throw new IllegalStateException("sampler '" + s.name() + "' returned index " + i
                            + " outside the task's " + n + " training examples");
                }
            }
            if (order.length == 0) {
                throw new IllegalStateException("sampler '" + s.name() + "' returned an empty order for task "
                        + task.info().name());
            }
            return order;
        }
        int n = task.train().size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }

    /** The training-only plugins that score models of their own on the evaluation batches, in slot order. */
    private List<PluginInstance<?>> auxiliaryModelPlugins() {
        List<PluginInstance<?>> out = new ArrayList<>();
        List<PluginInstance<?>> candidates = new ArrayList<>(plan.augmenters());
        candidates.addAll(plan.distillers());
        plan.sampler().ifPresent(candidates::add);
        for (PluginInstance<?> p : candidates) {
            if (p.plugin() instanceof AuxiliaryModels) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * The report names ({@code PLUGIN.MODEL}) of each auxiliary-model plugin's models, checked: valid and distinct
     * (a metric's name has no dot, so none collides with one).
     */
    private Map<PluginInstance<?>, Map<String, String>> auxiliaryNames(List<PluginInstance<?>> plugins) {
        Map<PluginInstance<?>, Map<String, String>> out = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (PluginInstance<?> p : plugins) {
            List<String> models = ((AuxiliaryModels) p.plugin()).auxiliaryModels();
            Map<String, String> names = new LinkedHashMap<>();
            for (String model : models == null ? List.<String>of() : models) {
                if (model == null || !model.matches("[a-z0-9-]+")) {
                    throw new IllegalStateException(p.slot() + " '" + p.name() + "': auxiliary model name '" + model
                            + "' must match [a-z0-9-]+");
                }
                String name = p.name() + "." + model;
                if (!seen.add(name)) {
                    throw new IllegalStateException(p.slot() + " '" + p.name() + "': auxiliary model '" + model
                            + "' is reported twice as '" + name + "' (two plugins of one name, or a repeated name)");
                }
                names.put(model, name);
            }
            out.put(p, names);
        }
        return out;
    }

    /**
     * Evaluates every task seen (and future ones when asked); one row per metric. The auxiliary models of
     * training-only plugins ({@link AuxiliaryModels}) are scored with the first metric into {@code auxiliary}, one
     * row per model under its report name.
     */
    private List<double[]> evaluateAll(Learner learner, int trainedTask, ExecutorService workers,
                                       Map<String, double[]> auxiliary) {
        long start = System.nanoTime();
        int n = plan.scenario().tasks().size();
        List<double[]> rows = new ArrayList<>();
        for (int k = 0; k < plan.metrics().size(); k++) {
            double[] row = new double[n];
            Arrays.fill(row, Double.NaN);
            rows.add(row);
        }
        // Before training (trainedTask -1) the auxiliary models are not scored: they are built at the first task.
        Map<PluginInstance<?>, Map<String, String>> aux = trainedTask < 0 ? Map.of()
                : auxiliaryNames(auxiliaryModelPlugins());
        aux.values().forEach(names -> names.values().forEach(name -> {
            double[] row = new double[n];
            Arrays.fill(row, Double.NaN);
            auxiliary.put(name, row);
        }));
        int evaluated = plan.config().evaluateFutureTasks() ? n : Math.min(n, trainedTask + 1);
        for (int j = 0; j < n; j++) {
            if (j > trainedTask && !plan.config().evaluateFutureTasks()) {
                continue;
            }
            Task task = plan.scenario().tasks().get(j);
            long batches = BatchLoader.batchCount(task.test().size(), training.evalBatchSize());
            long batchesDone = 0;
            List<Metric.Accumulator> acc = plan.metrics().stream().map(m -> m.plugin().newAccumulator()).toList();
            Map<String, Metric.Accumulator> auxAcc = new LinkedHashMap<>();
            aux.values().forEach(names -> names.values().forEach(name ->
                    auxAcc.put(name, plan.metrics().get(0).plugin().newAccumulator())));
            DatasetSplit test = task.test();
            int[] order = identity(test.size());
            try (BatchLoader loader = new BatchLoader(test, order, training.evalBatchSize(), 0, j,
                    "task " + task.info().name() + " evaluation data", workers, training.prefetchBatches())) {
                while (loader.hasNext()) {
                    HostBatch host = loader.next();
                    try (NDScope scope = new NDScope(); NDManager m = plan.manager().newSubManager()) {
                        Batch batch = host.toBatch(m);
                        StepContext ctx = new LoopStepContext(m, Math.max(0, trainedTask), 0, globalStep, false,
                                Seeds.derive(plan.config().seed(), "eval", trainedTask, j), 0);
                        Predictions p = learner.predict(batch, ctx);
                        if (p == null || p.size() != batch.size()) {
                            throw new IllegalStateException("learner '" + plan.learner().name() + "' returned "
                                    + (p == null ? "no predictions" : p.size() + " predictions") + " for a batch of "
                                    + batch.size());
                        }
                        acc.forEach(a -> a.add(batch, p));
                        if (!aux.isEmpty()) {
                            scoreAuxiliary(aux, auxAcc, learner, batch, ctx);
                        }
                    }
                    EvaluationProgress progress = new EvaluationProgress(trainedTask, j, evaluated, ++batchesDone,
                            batches);
                    listeners.forEach(l -> l.onEvaluationProgress(progress));
                }
            }
            for (int k = 0; k < acc.size(); k++) {
                rows.get(k)[j] = acc.get(k).result();
            }
            for (Map.Entry<String, Metric.Accumulator> e : auxAcc.entrySet()) {
                auxiliary.get(e.getKey())[j] = e.getValue().result();
            }
        }
        evalSeconds += (System.nanoTime() - start) / 1e9;
        return rows;
    }

    /** One evaluation batch through every auxiliary model; the learner's outputs are computed once for all. */
    private void scoreAuxiliary(Map<PluginInstance<?>, Map<String, String>> aux,
                                Map<String, Metric.Accumulator> auxAcc, Learner learner, Batch batch,
                                StepContext ctx) {
        LossTerms outputs = learner.evaluationOutputs(batch, ctx);
        if (outputs == null) {
            outputs = LossTerms.none();
        }
        for (Map.Entry<PluginInstance<?>, Map<String, String>> e : aux.entrySet()) {
            PluginInstance<?> p = e.getKey();
            Map<String, Predictions> predicted = ((AuxiliaryModels) p.plugin()).predictAuxiliary(batch, outputs, ctx);
            if (predicted == null) {
                continue;
            }
            for (Map.Entry<String, Predictions> pe : predicted.entrySet()) {
                String name = e.getValue().get(pe.getKey());
                if (name == null) {
                    throw new IllegalStateException(p.slot() + " '" + p.name() + "' predicted with auxiliary model '"
                            + pe.getKey() + "', which it does not declare; declared: " + e.getValue().keySet());
                }
                Predictions ap = pe.getValue();
                if (ap == null || ap.size() != batch.size()) {
                    throw new IllegalStateException(p.slot() + " '" + p.name() + "' auxiliary model '" + pe.getKey()
                            + "' returned " + (ap == null ? "no predictions" : ap.size() + " predictions")
                            + " for a batch of " + batch.size());
                }
                auxAcc.get(name).add(batch, ap);
            }
        }
    }

    private static int[] identity(int n) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
        }
        return o;
    }

    /** Parameters with gradients enabled, grouped: experiment groups first, then the learner's. */
    private List<TrainableParameter> trainableParameters(Learner learner) {
        List<ParameterGroup> groups = new ArrayList<>(training.parameterGroups());
        groups.addAll(learner.parameterGroups());
        List<TrainableParameter> out = new ArrayList<>();
        addParameters("learner", learner.model(), groups, out);
        for (PluginInstance<Distiller> d : plan.distillers()) {
            d.plugin().trainable().ifPresent(b -> addParameters("distiller-" + d.name(), b, groups, out));
        }
        return out;
    }

    private void addParameters(String owner, Block block, List<ParameterGroup> groups, List<TrainableParameter> out) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter param = p.getValue();
            if (!param.requiresGradient()) {
                continue;
            }
            if (!param.isInitialized()) {
                throw new IllegalStateException(owner + " parameter '" + p.getKey() + "' is not initialized;"
                        + " the plugin must initialize its block in beforeTask");
            }
            String group = "default";
            double scale = 1.0;
            double decay = training.weightDecay();
            for (ParameterGroup g : groups) {
                if (g.matches(p.getKey())) {
                    group = g.name();
                    scale = g.learningRateScale();
                    decay = Double.isNaN(g.weightDecay()) ? decay : g.weightDecay();
                    break;
                }
            }
            out.add(new TrainableParameter(owner + "/" + p.getKey(), param, group, scale, decay));
        }
    }

    // ---------------------------------------------------------------- checkpoints

    private void checkpoint(String tag, int nextTask, int nextEpoch, int nextBatch, long taskStep) {
        long start = System.nanoTime();
        try (NDScope scope = new NDScope(); NDManager m = plan.manager().newSubManager()) {
            StepContext ctx = new LoopStepContext(m, nextTask, nextEpoch, globalStep, false, 0, 0);
            Map<String, Map<String, NDArray>> files = new LinkedHashMap<>();
            files.put("model.safetensors", modelTensors());
            files.put("optimizer.safetensors", optimizer.state());
            List<PluginRecord> records = new ArrayList<>();
            records.add(record(plan.learner(), plan.learner().plugin().saveState(ctx), files));
            for (PluginInstance<Augmenter> a : plan.augmenters()) {
                records.add(record(a, a.plugin().saveState(ctx), files));
            }
            for (PluginInstance<Distiller> d : plan.distillers()) {
                records.add(record(d, d.plugin().saveState(ctx), files));
            }
            plan.sampler().ifPresent(s -> records.add(record(s, s.plugin().saveState(), files)));
            CheckpointManifest manifest = new CheckpointManifest(CheckpointManifest.FORMAT, plan.config().seed(),
                    nextTask, nextEpoch, nextBatch, globalStep, taskStep, List.copyOf(matrixRows), beforeTraining,
                    copyCurves(), nanSkips, records, "model.safetensors", "optimizer.safetensors",
                    extra(), null, timings(totalSeconds()), otherRowsCopy(),
                    List.copyOf(nanSkipsPerTask), termHistoryCopy());
            Path dir = store.write(tag, manifest, files);
            listeners.forEach(l -> l.onCheckpoint(dir));
        }
        checkpointSeconds += (System.nanoTime() - start) / 1e9;
    }

    /** The manifest's extra entries: the experiment's name, and the fp16 loss scaler's state. */
    private Map<String, Object> extra() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("experiment", plan.config().name());
        extra.put("seedStep", seedStep);
        precision.scaler().ifPresent(sc -> {
            extra.put("lossScale", sc.scale());
            extra.put("lossScaleCleanSteps", sc.cleanSteps());
        });
        return extra;
    }

    private List<Map<String, List<Double>>> termHistoryCopy() {
        List<Map<String, List<Double>>> out = new ArrayList<>();
        for (Map<String, List<Double>> task : termHistory) {
            Map<String, List<Double>> copy = new LinkedHashMap<>();
            task.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            out.add(copy);
        }
        return out;
    }

    private Map<String, List<double[]>> otherRowsCopy() {
        Map<String, List<double[]>> out = new LinkedHashMap<>();
        otherRows.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }

    private Map<String, Double> timings(double totalSeconds) {
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("total", totalSeconds);
        // A mid-task checkpoint counts the task's training so far, which a resume carries on from.
        timings.put("train", trainSeconds + (trainingSince == 0 ? 0 : (System.nanoTime() - trainingSince) / 1e9));
        timings.put("evaluate", evalSeconds);
        timings.put("checkpoint", checkpointSeconds);
        double cpu = earlierCpuSeconds + processCpuSeconds() - cpuAtStart;
        if (Double.isFinite(cpu)) {
            timings.put(RunReport.CPU_TIMING, cpu);
        }
        return timings;
    }

    private List<List<Double>> copyCurves() {
        List<List<Double>> out = new ArrayList<>();
        lossCurves.forEach(c -> out.add(List.copyOf(c)));
        return out;
    }

    private static PluginRecord record(PluginInstance<?> p, PluginState state,
                                       Map<String, Map<String, NDArray>> files) {
        String file = null;
        if (!state.tensors().isEmpty()) {
            file = p.slot() + ".safetensors";
            files.put(file, state.tensors());
        }
        return new PluginRecord(p.slot(), p.name(), p.version(), state.schemaVersion(), file, state.values());
    }

    /** The learner's and distillers' parameters under their checkpoint names. */
    private Map<String, NDArray> modelTensors() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        putParameters("learner", plan.learner().plugin().model(), out);
        for (PluginInstance<Distiller> d : plan.distillers()) {
            d.plugin().trainable().ifPresent(b -> putParameters("distiller-" + d.name(), b, out));
        }
        return out;
    }

    private static void putParameters(String owner, Block block, Map<String, NDArray> out) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().isInitialized()) {
                out.put(owner + "/" + p.getKey(), p.getValue().getArray());
            }
        }
    }

    private CheckpointManifest restore(Path dir) {
        CheckpointManifest m = store.readManifest(dir);
        if (m.runSeed() != plan.config().seed()) {
            throw new CheckpointException(dir + " was written by a run with seed " + m.runSeed()
                    + " but this experiment has seed " + plan.config().seed());
        }
        Map<String, PluginRecord> bySlot = new LinkedHashMap<>();
        m.plugins().forEach(r -> bySlot.put(r.slot(), r));
        NDManager manager = plan.manager();
        loadPlugin(dir, bySlot, plan.learner(), plan.learner().plugin()::loadState, manager);
        for (PluginInstance<Augmenter> a : plan.augmenters()) {
            loadPlugin(dir, bySlot, a, a.plugin()::loadState, manager);
        }
        plan.sampler().ifPresent(s -> loadPlugin(dir, bySlot, s, s.plugin()::loadState, manager));
        restoreDistillers(dir, m, bySlot, manager);
        try (NDScope scope = new NDScope(); NDManager temp = manager.newSubManager()) {
            Map<String, NDArray> model = CheckpointStore.readTensors(dir.resolve(m.modelFile()), temp);
            List<String> problems = new ArrayList<>();
            Map<String, NDArray> expected = modelTensors();
            for (Map.Entry<String, NDArray> e : expected.entrySet()) {
                NDArray saved = model.get(e.getKey());
                if (saved == null) {
                    problems.add("missing " + e.getKey());
                } else if (!saved.getShape().equals(e.getValue().getShape())) {
                    problems.add(e.getKey() + " has shape " + saved.getShape() + " in the checkpoint, "
                            + e.getValue().getShape() + " in the model");
                }
            }
            model.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(k -> problems.add("unexpected " + k));
            if (!problems.isEmpty()) {
                throw new CheckpointException(dir.resolve(m.modelFile()) + " does not fit the learner's model "
                        + "(did loadState rebuild its structure?): " + problems);
            }
            for (Map.Entry<String, NDArray> e : expected.entrySet()) {
                model.get(e.getKey()).copyTo(e.getValue());
            }
            optimizer.load(CheckpointStore.readTensors(dir.resolve(m.optimizerFile()), temp));
        }
        // The checkpoint's arrays are closed; whatever still points into them reads freed memory after this.
        GcStress.point();
        matrixRows.addAll(m.matrixRows());
        beforeTraining = m.beforeTraining() == null ? new double[0] : m.beforeTraining();
        m.lossHistory().forEach(c -> lossCurves.add(new ArrayList<>(c)));
        globalStep = m.globalStep();
        // checkpoints written before the seed step was kept have skipped no task's steps in their seeds
        seedStep = m.extra() != null && m.extra().get("seedStep") instanceof Number n ? n.longValue() : globalStep;
        nanSkips = m.nanSkips();
        precision.scaler().ifPresent(sc -> {
            Object savedScale = m.extra() == null ? null : m.extra().get("lossScale");
            Object savedSteps = m.extra() == null ? null : m.extra().get("lossScaleCleanSteps");
            if (savedScale instanceof Number a && savedSteps instanceof Number b) {
                sc.restore(a.doubleValue(), b.intValue());
            }
        });
        if (m.nanSkipsPerTask() != null) {
            nanSkipsPerTask.addAll(m.nanSkipsPerTask());
        }
        if (m.lossTermHistory() != null) {
            m.lossTermHistory().forEach(task -> {
                Map<String, List<Double>> copy = new LinkedHashMap<>();
                task.forEach((k, v) -> copy.put(k, new ArrayList<>(v)));
                termHistory.add(copy);
            });
        }
        if (m.timings() != null) {
            earlierSeconds = m.timings().getOrDefault("total", 0.0);
            trainSeconds += m.timings().getOrDefault("train", 0.0);
            evalSeconds += m.timings().getOrDefault("evaluate", 0.0);
            checkpointSeconds += m.timings().getOrDefault("checkpoint", 0.0);
            earlierCpuSeconds = m.timings().getOrDefault(RunReport.CPU_TIMING, 0.0);
        }
        if (m.otherMatrixRows() != null) {
            m.otherMatrixRows().forEach((k, v) -> otherRows.put(k, new ArrayList<>(v)));
        } else {
            legacyOtherRows(dir, m.extra() == null ? null : m.extra().get("otherMetrics"));
        }
        return m;
    }

    /**
     * Distillers: a mid-task checkpoint's task already ran {@code beforeTask} (teacher, snapshots, trainable modules),
     * so it runs again for that task before the state is loaded; from a task-boundary checkpoint the next task's
     * {@code beforeTask} follows in {@link #trainTask}. Checkpoints written before distillers had state (no record for
     * a distiller) load nothing for it.
     */
    private void restoreDistillers(Path dir, CheckpointManifest m, Map<String, PluginRecord> bySlot,
                                   NDManager manager) {
        int t = m.nextTask();
        boolean midTask = t < plan.scenario().tasks().size()
                && (m.nextEpoch() > 0 || m.nextBatch() > 0 || m.taskStep() > 0);
        if (midTask && !plan.distillers().isEmpty()) {
            engine.setRandomSeed((int) Seeds.derive(plan.config().seed(), "before-task", t));
            TaskInfo info = plan.scenario().tasks().get(t).info();
            plan.distillers().forEach(d -> d.plugin().beforeTask(info));
        }
        for (PluginInstance<Distiller> d : plan.distillers()) {
            if (bySlot.containsKey(d.slot())) {
                loadPlugin(dir, bySlot, d, d.plugin()::loadState, manager);
            }
        }
    }

    /** Format 1 kept the other metrics' rows in {@code extra.otherMetrics}, empty cells as the string "NaN". */
    private void legacyOtherRows(Path dir, Object other) {
        if (!(other instanceof Map<?, ?> om)) {
            return;
        }
        om.forEach((k, v) -> {
            List<double[]> rows = new ArrayList<>();
            if (!(v instanceof List<?> list)) {
                throw new CheckpointException(dir.resolve("manifest.json") + ": extra.otherMetrics." + k
                        + " is not a list of rows");
            }
            for (Object row : list) {
                if (!(row instanceof List<?> cells)) {
                    throw new CheckpointException(dir.resolve("manifest.json") + ": extra.otherMetrics." + k
                            + " has a row that is not a list: " + row);
                }
                rows.add(cells.stream().mapToDouble(x -> cell(dir, x)).toArray());
            }
            otherRows.put(String.valueOf(k), rows);
        });
    }

    private static double cell(Path dir, Object x) {
        if (x == null) {
            return Double.NaN;
        }
        if (x instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(x.toString());
        } catch (NumberFormatException e) {
            throw new CheckpointException(dir.resolve("manifest.json") + ": a matrix cell is '" + x
                    + "'; expected a number, null or \"NaN\"", e);
        }
    }

    private static void loadPlugin(Path dir, Map<String, PluginRecord> bySlot, PluginInstance<?> p,
                                   java.util.function.Consumer<PluginState> loader, NDManager manager) {
        PluginRecord r = bySlot.get(p.slot());
        if (r == null) {
            throw new CheckpointException(dir + " has no state for " + p.slot() + " '" + p.name() + "'");
        }
        if (!r.name().equals(p.name())) {
            throw new CheckpointException(dir + ": " + p.slot() + " was '" + r.name() + "' when checkpointed, the"
                    + " experiment now has '" + p.name() + "'");
        }
        Map<String, NDArray> tensors = r.tensorFile() == null ? Map.of()
                : CheckpointStore.readTensors(dir.resolve(r.tensorFile()), manager);
        try {
            loader.accept(new PluginState(r.stateSchemaVersion(), tensors, r.values() == null ? Map.of() : r.values()));
        } catch (RuntimeException e) {
            throw new CheckpointException(dir + ": " + p.slot() + " '" + p.name() + "' " + p.version()
                    + " could not load state written by version " + r.version() + " (schema "
                    + r.stateSchemaVersion() + "): " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- report

    private RunReport report(double totalSeconds) {
        int n = plan.scenario().tasks().size();
        double[][] matrix = matrixRows.toArray(new double[0][]);
        Map<String, double[][]> others = new LinkedHashMap<>();
        otherRows.forEach((k, v) -> others.put(k, v.toArray(new double[0][])));
        List<Map<String, String>> plugins = new ArrayList<>();
        Map<String, Map<String, Object>> values = new LinkedHashMap<>();
        List<PluginInstance<?>> all = new ArrayList<>();
        all.add(plan.learner());
        all.addAll(plan.augmenters());
        all.addAll(plan.distillers());
        plan.sampler().ifPresent(all::add);
        all.addAll(plan.metrics());
        for (PluginInstance<?> p : all) {
            plugins.add(Map.of("slot", p.slot(), "name", p.name(), "version", p.version()));
        }
        PluginMatrices.addTo(others, plan.runDirectory(), all);
        try (NDScope scope = new NDScope(); NDManager m = plan.manager().newSubManager()) {
            StepContext ctx = new LoopStepContext(m, n - 1, 0, globalStep, false, 0, 0);
            values.put("learner", plan.learner().plugin().saveState(ctx).values());
        }
        Map<String, Double> timings = timings(totalSeconds);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("java", System.getProperty("java.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        env.put("cpus", String.valueOf(Runtime.getRuntime().availableProcessors()));
        env.put("engine", engine.getEngineName() + " " + engine.getVersion());
        env.put("djl", Engine.getDjlVersion());
        return new RunReport(plan.config().name(), plan.runDirectory().toString(),
                plan.manager().getDevice().toString(), plugins,
                plan.scenario().tasks().stream().map(t -> t.info().name()).toList(), plan.metrics().get(0).name(),
                matrix, beforeTraining, AccuracyMatrix.fromRows(n, matrix, beforeTraining).summary(), others, copyCurves(),
                nanSkips, timings, values, env, List.copyOf(nanSkipsPerTask), lossTermSummaries());
    }

    /** Per task with logged steps, each term's mean over them and over their first and last tenth. */
    private List<TaskLossTerms> lossTermSummaries() {
        List<TaskLossTerms> out = new ArrayList<>();
        for (int t = 0; t < termHistory.size(); t++) {
            Map<String, List<Double>> task = termHistory.get(t);
            if (task.isEmpty()) {
                continue;
            }
            out.add(TaskLossTerms.of(t, task));
        }
        return out;
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread th = new Thread(r, "perennial-data-" + n.incrementAndGet());
            th.setDaemon(true);
            return th;
        };
    }

    // ---------------------------------------------------------------- task data for learners

    /** A task's training data for the learner's before/after-task passes. */
    private final class LoopTaskData implements TaskData {
        private final Task task;
        private final ExecutorService workers;

        LoopTaskData(Task task, ExecutorService workers) {
            this.task = task;
            this.workers = workers;
        }

        @Override
        public TaskInfo task() {
            return task.info();
        }

        @Override
        public void forEachBatch(int batchSize, BiConsumer<Batch, StepContext> visitor) {
            visit(batchSize, (batch, ctx) -> {
                visitor.accept(batch, ctx);
                return null;
            }, null);
        }

        @Override
        public void gradients(int batchSize, BiFunction<Batch, StepContext, NDArray> loss,
                              BiConsumer<Batch, StepContext> afterBackward) {
            visit(batchSize, loss, afterBackward);
        }

        private void visit(int batchSize, BiFunction<Batch, StepContext, NDArray> loss,
                           BiConsumer<Batch, StepContext> afterBackward) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, was " + batchSize);
            }
            int t = task.info().index();
            List<Parameter> params = new ArrayList<>();
            if (afterBackward != null) {
                for (Pair<String, Parameter> p : plan.learner().plugin().model().getParameters()) {
                    if (p.getValue().requiresGradient() && p.getValue().isInitialized()) {
                        params.add(p.getValue());
                    }
                }
            }
            try (BatchLoader loader = new BatchLoader(task.train(), identity(task.train().size()), batchSize, 0, t,
                    "task " + task.info().name() + " training data", workers, training.prefetchBatches())) {
                int b = 0;
                while (loader.hasNext()) {
                    HostBatch host = loader.next();
                    try (NDScope scope = new NDScope(); NDManager m = plan.manager().newSubManager()) {
                        LoopStepContext ctx = new LoopStepContext(m, t, 0, globalStep, false,
                                Seeds.derive(plan.config().seed(), "task-data", t, b), 0);
                        Batch batch = host.toBatch(m);
                        if (afterBackward == null) {
                            loss.apply(batch, ctx);
                        } else {
                            try (GradientCollector c = engine.newGradientCollector()) {
                                NDArray l = loss.apply(batch, ctx);
                                GcStress.point();
                                c.backward(l);
                            }
                            afterBackward.accept(batch, ctx);
                            clearGradients(params, false);
                        }
                    }
                    b++;
                }
            }
        }
    }
}
