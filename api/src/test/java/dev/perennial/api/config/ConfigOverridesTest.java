package dev.perennial.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --set path=value}: laid over the file's tree before binding, errors naming the argument. */
class ConfigOverridesTest {
    private static final String FILE = String.join("\n",
            "name: x",
            "dataset: generated-shapes",
            "scenario: {name: class-incremental, config: {increment: 2}}",
            "learner: lwf",
            "augmenters: [mixup]",
            "training: {epochs: 3, batchSize: 16}",
            "");

    private static ExperimentConfig parse(String... overrides) {
        return ExperimentFiles.parse(FILE, "experiment.yaml", ConfigOverrides.parse(List.of(overrides)));
    }

    @Test
    void aNumberReplacesTheFilesValueAndTheRestStays() {
        ExperimentConfig c = parse("training.epochs=5");
        assertEquals(5, c.training().epochs());
        assertEquals(16, c.training().batchSize());
        assertEquals(3, parse().training().epochs());
    }

    @Test
    void aLaterOverrideOfTheSamePathWins() {
        assertEquals(7, parse("training.epochs=5", "training.epochs=7").training().epochs());
    }

    @Test
    void aPluginNamedAloneTakesAConfigAndKeepsItsName() {
        ExperimentConfig c = parse("learner.config.lambda=2.5");
        assertEquals("lwf", c.learner().name());
        assertEquals(2.5, c.learner().config().get("lambda").asDouble());
    }

    @Test
    void listsAreIndexedAndAppendedTo() {
        ExperimentConfig c = parse("augmenters.0.config.alpha=0.4", "augmenters.1=cutmix");
        assertEquals("mixup", c.augmenters().get(0).name());
        assertEquals(0.4, c.augmenters().get(0).config().get("alpha").asDouble());
        assertEquals("cutmix", c.augmenters().get(1).name());
    }

    @Test
    void valuesAreYaml() {
        ExperimentConfig c = parse("distillers=[kd, {name: fitnet}]", "device=cpu", "evaluateFutureTasks=true");
        assertEquals(List.of("kd", "fitnet"), c.distillers().stream().map(PluginRef::name).toList());
        assertEquals("cpu", c.device());
        assertTrue(c.evaluateFutureTasks());
    }

    @Test
    void missingObjectsOnThePathAreCreated() {
        String bare = "name: x\ndataset: generated-shapes\nscenario: class-incremental\nlearner: finetune\n";
        ExperimentConfig c = ExperimentFiles.parse(bare, "bare.yaml",
                ConfigOverrides.parse(List.of("training.epochs=2")));
        assertEquals(2, c.training().epochs());
    }

    @Test
    void aMistypedFieldNamesTheArgumentAndTheAcceptedFields() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("training.epochz=5"));
        assertTrue(e.getMessage().startsWith("--set training.epochz=5: "), e.getMessage());
        assertTrue(e.getMessage().contains("epochz"), e.getMessage());
        assertTrue(e.getMessage().contains("epochs"), "names the accepted fields: " + e.getMessage());
    }

    @Test
    void aValueOfTheWrongTypeNamesTheArgument() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("training.epochs=5", "seed=many"));
        assertTrue(e.getMessage().startsWith("--set seed=many: "), e.getMessage());
    }

    @Test
    void anInvalidValueNamesTheArgument() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("device=tpu"));
        assertTrue(e.getMessage().startsWith("--set device=tpu: "), e.getMessage());
        assertTrue(e.getMessage().contains("auto, cpu, gpu"), e.getMessage());
    }

    @Test
    void malformedArgumentsAreRefusedWithTheArgument() {
        assertEquals("--set epochs is not path=value (e.g. --set training.epochs=5)",
                assertThrows(ConfigException.class, () -> ConfigOverrides.parse(List.of("epochs"))).getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> ConfigOverrides.parse(List.of("training..epochs=1")))
                .getMessage().startsWith("--set training..epochs=1: path 'training..epochs' is not field names"));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigOverrides.parse(List.of("seed=")))
                .getMessage().startsWith("--set seed=: give a value"));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigOverrides.parse(List.of("learner=[a")))
                .getMessage().startsWith("--set learner=[a: the value is not valid YAML"));
    }

    @Test
    void aPathThroughAScalarOrPastAListsEndIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("training.epochs.max=1"));
        assertTrue(e.getMessage().startsWith("--set training.epochs.max=1: 'training.epochs' is a number value"),
                e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("augmenters.5=cutmix"));
        assertTrue(e.getMessage().contains("'augmenters' has 1 entries; an index may be at most 1"), e.getMessage());
    }

    @Test
    void aVeryLongArgumentIsShortenedInMessages() {
        String value = "x".repeat(10_000);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigOverrides.parse(List.of(value)));
        assertTrue(e.getMessage().length() < 300, e.getMessage().length() + " characters");
    }

    @Test
    void theTreeGivenIsLeftAsItWas() {
        var tree = ExperimentFiles.toTree(parse());
        ConfigOverrides.parse(List.of("training.epochs=9")).apply(tree);
        assertEquals(3, tree.get("training").get("epochs").asInt());
    }
}
