package dev.perennial.benchmarks.perf;

import dev.perennial.api.Perennial;
import dev.perennial.api.events.RunListener;
import dev.perennial.api.events.StepEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Side (b) of the loop-overhead benchmark: the same model, batch and optimizer through {@code Perennial.builder()}
 * and the shared {@code TrainingLoop}, with the learner {@code step-benchmark}, the augmenter {@code mixup} (α = 1,
 * every batch; on the LLaMA workload it mixes the input embeddings), the metric {@code accuracy}, a step event to
 * every listener after every step ({@code logEverySteps} 1: the JSON-lines log and this class's timer), the NaN/Inf
 * guard on (its default, {@code nanPolicy} skip), data decoded by one worker thread with 2 batches prefetched.
 *
 * <p>Step times are the gaps between consecutive step events, so building the run, evaluation and the end-of-task
 * checkpoint are outside the timed window; the task has exactly {@code warmup + steps} steps in one epoch.
 *
 * <p>Given a bare-DJL partner, one bare step on the same batch index runs at the start of each loop step (through the
 * {@link StepPartner} instrument, listed before {@code mixup}) and the wall time of that call is taken out of the
 * loop's gap: the two sides then alternate step by step and see the same machine load, which makes their ratio
 * robust on a shared machine.
 */
final class SharedLoopSteps {
    private SharedLoopSteps() {}

    /**
     * Runs one task of {@code warmup + steps} steps through the loop and times the last {@code steps}.
     *
     * @param workload the model
     * @param batch the batch size
     * @param warmup untimed steps first (at least 1: the first timed gap starts at a step event)
     * @param steps timed steps
     * @param poolSize distinct random samples (the same pool as the bare side when seeds agree)
     * @param poolSeed the pool's seed
     * @param learningRate the SGD learning rate
     * @param momentum the SGD momentum
     * @param partner a bare-DJL side to alternate with step by step, or empty
     * @return the bare side's timings (with a partner), then the loop's
     */
    static List<StepTimes> run(StepWorkload workload, int batch, int warmup, int steps, int poolSize, long poolSeed,
                               double learningRate, double momentum, Optional<BareDjlSteps> partner) {
        return run(workload, batch, warmup, steps, poolSize, poolSeed, learningRate, momentum, partner, true);
    }

    /**
     * As {@link #run(StepWorkload, int, int, int, int, long, double, double, Optional)}, with the loop side's
     * configuration varied for ablations.
     *
     * @param workload the model
     * @param batch the batch size
     * @param warmup untimed steps first (at least 1)
     * @param steps timed steps
     * @param poolSize distinct random samples
     * @param poolSeed the pool's seed
     * @param learningRate the SGD learning rate
     * @param momentum the SGD momentum
     * @param partner a bare-DJL side to alternate with step by step, or empty
     * @param mixup whether the loop side has the mixup augmenter on
     * @return the bare side's timings (with a partner), then the loop's
     */
    static List<StepTimes> run(StepWorkload workload, int batch, int warmup, int steps, int poolSize, long poolSeed,
                               double learningRate, double momentum, Optional<BareDjlSteps> partner, boolean mixup) {
        if (warmup < 1) {
            throw new IllegalArgumentException("the shared-loop side needs warmup >= 1, was " + warmup);
        }
        if ((long) (warmup + steps) * batch < StepWorkload.CLASSES) {
            throw new IllegalArgumentException("the shared-loop side trains one class-incremental task of (warmup + "
                    + "steps) × batch = " + (warmup + steps) * batch + " examples, but each of the "
                    + StepWorkload.CLASSES + " classes needs one; raise the batch or the steps");
        }
        List<Long> stepEnds = new ArrayList<>();
        RunListener timer = new RunListener() {
            @Override
            public void onStep(StepEvent e) {
                stepEnds.add(System.nanoTime());
            }
        };
        String key = "partner-" + UUID.randomUUID();
        Optional<StepPartner.Registration> paired = partner.map(bare -> StepPartner.register(key, bare));
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("optimizer", "sgd");
        training.put("learningRate", learningRate);
        training.put("momentum", momentum);
        training.put("schedule", "constant");
        training.put("epochs", 1);
        training.put("batchSize", batch);
        training.put("evalBatchSize", StepWorkload.CLASSES);
        training.put("logEverySteps", 1);
        training.put("dataWorkers", 1);
        training.put("prefetchBatches", 2);
        Path runs;
        try {
            runs = Files.createTempDirectory("perennial-loop-overhead");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary run folder", e);
        }
        try {
            Perennial.Builder builder = Perennial.builder()
                    .name("loop-overhead-" + workload.id().replace('_', '-'))
                    .dataset("step-benchmark-data", Map.of("workload", workload.id(),
                            "trainExamples", (warmup + steps) * batch, "testExamples", StepWorkload.CLASSES,
                            "poolSize", poolSize, "seed", poolSeed))
                    .scenario("class-incremental", Map.of("increment", StepWorkload.CLASSES))
                    .learner("step-benchmark", Map.of("workload", workload.id(), "initSeed", 0));
            if (paired.isPresent()) {
                builder.augmenter("step-benchmark-partner", Map.of("key", key));
            }
            if (mixup) {
                builder.augmenter("mixup", Map.of());
            }
            builder.metric("accuracy", Map.of())
                    .training(training)
                    .runDirectory(runs)
                    .build()
                    .run(timer);
        } finally {
            StepPartner.unregister(key);
            deleteTree(runs);
        }
        if (stepEnds.size() != warmup + steps) {
            throw new IllegalStateException("the loop emitted " + stepEnds.size() + " step events for "
                    + (warmup + steps) + " steps");
        }
        double[] seconds = new double[steps];
        double[] bare = new double[partner.isPresent() ? steps : 0];
        for (int k = 0; k < steps; k++) {
            int i = warmup + k;
            seconds[k] = (stepEnds.get(i) - stepEnds.get(i - 1)) / 1e9
                    - paired.map(p -> p.callSeconds().get(i)).orElse(0.0);
            if (paired.isPresent()) {
                bare[k] = paired.get().bareSeconds().get(i);
            }
        }
        List<StepTimes> out = new ArrayList<>();
        if (partner.isPresent()) {
            out.add(new StepTimes("bare-djl", workload.id(), batch, bare));
        }
        out.add(new StepTimes("shared-loop", workload.id(), batch, seconds));
        return out;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e.getMessage());
        }
    }
}
