package dev.perennial.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigBinderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WHERE = "experiment.yaml: learner";

    /** How the schedule is shaped (to test enum messages). */
    public enum Shape { COSINE, STEP }

    /** A nested record, merged field by field. */
    public record Schedule(int warmup, Shape shape) {}

    /** A plugin-like configuration with validation in the compact constructor. */
    public record LearnerConfig(double rate, int epochs, boolean frozen, List<String> layers, Schedule schedule) {
        public LearnerConfig {
            if (!(rate > 0)) {
                throw new IllegalArgumentException("rate must be > 0, was " + rate);
            }
        }
    }

    /** A record with a bean-style method that Jackson would serialize as an extra property. */
    public record WithGetter(int size) {
        public int getDoubled() {
            return 2 * size;
        }
    }

    /** A record whose field Jackson knows by another name. */
    public record Renamed(@JsonProperty("learning_rate") double learningRate) {}

    private static final LearnerConfig DEFAULTS =
            new LearnerConfig(0.1, 3, false, List.of("head"), new Schedule(5, Shape.COSINE));

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void noFieldsGivesTheDefaults() {
        assertEquals(DEFAULTS, ConfigBinder.bind(null, LearnerConfig.class, DEFAULTS, WHERE));
        assertEquals(DEFAULTS, ConfigBinder.bind(NullNode.getInstance(), LearnerConfig.class, DEFAULTS, WHERE));
    }

    @Test
    void givenFieldsOverrideDefaultsAndNestedRecordsMergeFieldByField() throws Exception {
        LearnerConfig c = ConfigBinder.bind(json("{\"epochs\": 7, \"schedule\": {\"shape\": \"STEP\"}}"),
                LearnerConfig.class, DEFAULTS, WHERE);
        assertEquals(new LearnerConfig(0.1, 7, false, List.of("head"), new Schedule(5, Shape.STEP)), c);
    }

    @Test
    void listsAreReplacedNotMerged() throws Exception {
        LearnerConfig c = ConfigBinder.bind(json("{\"layers\": [\"a\", \"b\"]}"), LearnerConfig.class, DEFAULTS, WHERE);
        assertEquals(List.of("a", "b"), c.layers());
    }

    @Test
    void bindsFromYaml() throws Exception {
        JsonNode node = new YAMLMapper().readTree("rate: 0.25\nfrozen: true\n");
        LearnerConfig c = ConfigBinder.bind(node, LearnerConfig.class, DEFAULTS, WHERE);
        assertEquals(0.25, c.rate());
        assertTrue(c.frozen());
    }

    @Test
    void unknownFieldNamesWhereTheFieldAndTheAcceptedFieldsWithTypes() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigBinder.bind(json("{\"rte\": 0.5}"), LearnerConfig.class, DEFAULTS, WHERE));
        String m = e.getMessage();
        assertTrue(m.startsWith(WHERE + ": unknown field 'rte'"), m);
        assertTrue(m.contains("rate (double)"), m);
        assertTrue(m.contains("epochs (int)"), m);
        assertTrue(m.contains("layers (List<String>)"), m);
        assertTrue(m.contains("schedule (Schedule)"), m);
        assertFalse(m.contains("com.fasterxml"), m);
        assertNotNull(e.getCause());
    }

    @Test
    void unknownNestedFieldNamesItsContainerAndTheNestedFields() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigBinder.bind(
                json("{\"schedule\": {\"warmpu\": 3}}"), LearnerConfig.class, DEFAULTS, WHERE));
        String m = e.getMessage();
        assertTrue(m.contains("unknown field 'warmpu' in 'schedule'"), m);
        assertTrue(m.contains("warmup (int)"), m);
        assertTrue(m.contains("shape (Shape (COSINE|STEP))"), m);
    }

    @Test
    void textForANumberIsAnErrorNamingFieldTypeAndValue() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigBinder.bind(json("{\"rate\": \"fast\"}"), LearnerConfig.class, DEFAULTS, WHERE));
        String m = e.getMessage();
        assertTrue(m.startsWith(WHERE + ": field 'rate' expects double"), m);
        assertTrue(m.contains("\"fast\""), m);
    }

    @Test
    void numericTextIsNotCoercedEither() throws Exception {
        assertThrows(ConfigException.class,
                () -> ConfigBinder.bind(json("{\"epochs\": \"7\"}"), LearnerConfig.class, DEFAULTS, WHERE));
    }

    @Test
    void aFractionIsNotTruncatedIntoAnInt() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigBinder.bind(json("{\"epochs\": 2.5}"), LearnerConfig.class, DEFAULTS, WHERE));
        assertTrue(e.getMessage().contains("field 'epochs' expects int"), e.getMessage());
        assertTrue(e.getMessage().contains("2.5"), e.getMessage());
    }

    @Test
    void nullForAPrimitiveIsAnError() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigBinder.bind(json("{\"epochs\": null}"), LearnerConfig.class, DEFAULTS, WHERE));
        assertTrue(e.getMessage().contains("field 'epochs' expects int, got null"), e.getMessage());
    }

    @Test
    void anIntegerIsAcceptedForADouble() throws Exception {
        assertEquals(2.0, ConfigBinder.bind(json("{\"rate\": 2}"), LearnerConfig.class, DEFAULTS, WHERE).rate());
    }

    @Test
    void unknownEnumValueListsTheConstants() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigBinder.bind(
                json("{\"schedule\": {\"shape\": \"linear\"}}"), LearnerConfig.class, DEFAULTS, WHERE));
        String m = e.getMessage();
        assertTrue(m.contains("field 'schedule.shape' expects one of [COSINE, STEP]"), m);
        assertTrue(m.contains("\"linear\""), m);
    }

    @Test
    void validationInTheCompactConstructorBecomesAConfigErrorWithItsMessage() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigBinder.bind(json("{\"rate\": -1}"), LearnerConfig.class, DEFAULTS, WHERE));
        assertEquals(WHERE + ": rate must be > 0, was -1.0", e.getMessage());
        assertNotNull(e.getCause());
    }

    @Test
    void aNonObjectIsAnErrorListingTheFields() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigBinder.bind(json("[1, 2]"), LearnerConfig.class, DEFAULTS, WHERE));
        assertTrue(e.getMessage().startsWith(WHERE + ": expected an object with the fields [rate (double)"),
                e.getMessage());
    }

    @Test
    void beanStyleMethodsOfTheDefaultsAreNotMistakenForFields() throws Exception {
        assertEquals(new WithGetter(4), ConfigBinder.bind(json("{\"size\": 4}"), WithGetter.class,
                new WithGetter(1), WHERE));
        assertEquals(new WithGetter(1), ConfigBinder.bind(null, WithGetter.class, new WithGetter(1), WHERE));
    }

    @Test
    void jsonPropertyNamesAreTheFieldNames() throws Exception {
        assertEquals(new Renamed(0.5), ConfigBinder.bind(json("{\"learning_rate\": 0.5}"), Renamed.class,
                new Renamed(0.1), WHERE));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigBinder.bind(
                json("{\"learningRate\": 0.5}"), Renamed.class, new Renamed(0.1), WHERE));
        assertTrue(e.getMessage().contains("learning_rate (double)"), e.getMessage());
    }

    @Test
    void withoutDefaultsEveryFieldComesFromTheNode() throws Exception {
        assertEquals(new Schedule(2, Shape.STEP),
                ConfigBinder.bind(json("{\"warmup\": 2, \"shape\": \"STEP\"}"), Schedule.class, null, WHERE));
    }

    @Test
    void theCauseIsAttachedButTheMessageIsOurs() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigBinder.bind(json("{\"frozen\": 1}"), LearnerConfig.class, DEFAULTS, WHERE));
        assertInstanceOf(com.fasterxml.jackson.databind.JsonMappingException.class, e.getCause());
        assertTrue(e.getMessage().startsWith(WHERE + ": field 'frozen' expects boolean, got 1"), e.getMessage());
    }
}
