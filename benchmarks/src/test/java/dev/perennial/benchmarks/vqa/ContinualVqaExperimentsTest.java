package dev.perennial.benchmarks.vqa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.api.config.PluginRef;
import dev.perennial.continual.vqa.MiniCoin;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ContinualVqaExperimentsTest {
    /** The shipped sample, seen from the module folder where the tests run. */
    private static final Path SAMPLE = Path.of("..").resolve(ContinualVqaExperiments.SAMPLE);
    private static final Path RUNS = Path.of("target/test-runs");

    private final ContinualVqaExperiments experiments = ContinualVqaExperiments.read(SAMPLE);

    @Test
    void llacaIsTheSampleWithAnotherSeed() {
        ExperimentConfig sample = experiments.sample();
        ExperimentConfig v = experiments.variant("llaca", 7, OptionalInt.empty(), RUNS);
        assertEquals(7, v.seed());
        assertEquals(RUNS.toString(), v.runDirectory());
        assertEquals(sample.learner(), v.learner());
        assertEquals(sample.dataset(), v.dataset());
        assertEquals(sample.scenario(), v.scenario());
        assertEquals(sample.metrics(), v.metrics());
        assertEquals(sample.training(), v.training());
        assertEquals(null, v.compare(), "every variant runs the whole sequence itself");
        assertTrue(v.pairedSeeds(), "paired seeds: every learner of one seed trains the same base model");
    }

    @Test
    void baselinesShareTheSampleModelAndTraining() {
        ExperimentConfig sample = experiments.sample();
        for (String learner : new String[] {"lora-seq", "ema-fixed", "o-lora", "moe-lora"}) {
            ExperimentConfig v = experiments.variant(learner, 1, OptionalInt.empty(), RUNS);
            assertEquals(learner, v.learner().name());
            assertEquals(sample.learner().config().get("model"), v.learner().config().get("model"));
            assertFalse(v.learner().config().has("ema"), "the adaptive EMA's settings are llaca's only");
            assertEquals(sample.training(), v.training());
            assertEquals(sample.scenario(), v.scenario());
            assertTrue(v.name().contains(learner) && v.name().endsWith("seed1"), v.name());
        }
    }

    @Test
    void multitaskJoinsTheContinualTasksAndScoresEachOne() {
        ExperimentConfig v = experiments.variant("multitask", 2, OptionalInt.empty(), RUNS);
        assertEquals("multitask", v.learner().name());
        assertTrue(v.scenario().config().get("joint").asBoolean());
        assertEquals(experiments.sample().learner().config().path("model").path("fullTuneTasks").asInt(),
                v.scenario().config().get("jointFrom").asInt(), "the base task stays its own task");
        assertEquals(experiments.sample().metrics().get(0), v.metrics().get(0), "coin-accuracy still fills the matrix");
        assertEquals(1 + MiniCoin.TASKS.size(), v.metrics().size());
        for (String task : MiniCoin.TASKS) {
            assertTrue(v.metrics().contains(PluginRef.of(TaskAccuracyProvider.PREFIX + task)), task);
        }
    }

    @Test
    void oLoraAsMcitlibPortsItLeavesOldSlicesOutOfTrainingWithItsLambda() {
        ExperimentConfig v = experiments.variant(ContinualVqaExperiments.O_LORA_MCITLIB, 3, OptionalInt.empty(), RUNS);
        assertEquals("o-lora", v.learner().name());
        assertFalse(v.learner().config().get("forwardOldAdapters").asBoolean());
        assertEquals(0.05, v.learner().config().get("lambda1").asDouble(), 1e-12);
        assertEquals(experiments.sample().learner().config().get("model"), v.learner().config().get("model"));
        assertTrue(v.name().contains("o-lora-mcitlib"), v.name());
    }

    @Test
    void epochsAreOverriddenOnlyWhenAsked() {
        ExperimentConfig v = experiments.variant("lora-seq", 1, OptionalInt.of(9), RUNS);
        assertEquals(9, v.training().epochs());
        assertEquals(experiments.sample().training().learningRate(), v.training().learningRate());
    }

    @Test
    void theScaleAblationIsLlacaWithOnlyTheScaleChanged() {
        ExperimentConfig sample = experiments.sample();
        ExperimentConfig v = experiments.variant("llaca-scale-0.01", 4, OptionalInt.empty(), RUNS);
        assertEquals("llaca", v.learner().name());
        assertEquals(0.01, v.learner().config().path("ema").path("scale").asDouble());
        var expected = sample.learner().config().deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected.get("ema")).put("scale", 0.01)
                .put("scaleUnit", "TENSOR");
        assertEquals(expected, v.learner().config(), "model, convention, surrogate and fallback stay the sample's");
        assertTrue(v.name().contains("llaca-scale-0.01"), v.name());
        ExperimentConfig el = experiments.variant("llaca-element-0.5", 4, OptionalInt.empty(), RUNS);
        assertEquals(0.5, el.learner().config().path("ema").path("scale").asDouble());
        assertEquals("ELEMENT", el.learner().config().path("ema").path("scaleUnit").asText());
        for (String bad : new String[] {"llaca-scale-x", "llaca-scale-0", "llaca-scale--1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> experiments.variant(bad, 1, OptionalInt.empty(), RUNS));
            assertTrue(e.getMessage().contains("s > 0"), e.getMessage());
        }
    }

    @Test
    void anUnknownLearnerNamesTheAcceptedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> experiments.variant("ewc", 1, OptionalInt.empty(), RUNS));
        assertTrue(e.getMessage().contains("lora-seq, ema-fixed, llaca, multitask"), e.getMessage());
    }

    @Test
    void aSampleWithAnotherLearnerIsRefused() {
        ExperimentConfig other = ExperimentFiles.parse("name: x\ndataset: mini-coin\nscenario: instruction\n"
                + "learner: lora-seq\n", "other.yaml");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ContinualVqaExperiments(other, "other.yaml"));
        assertTrue(e.getMessage().startsWith("other.yaml: learner must be 'llaca'"), e.getMessage());
    }
}
