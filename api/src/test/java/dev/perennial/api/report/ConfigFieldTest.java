package dev.perennial.api.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.api.config.TrainingConfig;
import dev.perennial.spi.ConfigDoc;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigFieldTest {

    /** A nested, documented record. */
    public record Inner(@ConfigDoc("Width, >= 1.") int width, @ConfigDoc("Mode.") TrainingConfig.Schedule mode) {}

    /** A record with every case: nested, renamed, undocumented, without default. */
    public record Outer(@ConfigDoc("The inner part.") Inner inner,
                        @ConfigDoc("Renamed in JSON.") @JsonProperty("json-name") double javaName,
                        List<String> undocumented,
                        @ConfigDoc("Has no default.") String missing,
                        @ConfigDoc("  ") Map<String, Double> blankDoc) {}

    private static final Outer DEFAULTS = new Outer(new Inner(3, TrainingConfig.Schedule.COSINE), 0.5, List.of("a"),
            null, Map.of());

    @Test
    void nestedRecordsExpandIntoDottedFieldsInDeclarationOrder() {
        List<ConfigField> fields = ConfigField.of(Outer.class, DEFAULTS, Set.of());
        assertEquals(List.of("inner.width", "inner.mode", "json-name", "undocumented", "missing", "blankDoc"),
                fields.stream().map(ConfigField::name).toList());
        assertEquals("int", fields.get(0).type());
        assertEquals("one of constant, cosine", fields.get(1).type(), "enums by their JSON names");
        assertEquals(Optional.of("\"cosine\""), fields.get(1).defaultText());
        assertEquals(Optional.of("0.5"), fields.get(2).defaultText(), "the JSON name carries the value");
        assertEquals("List<String>", fields.get(3).type());
        assertEquals("Map<String, Double>", fields.get(5).type());
    }

    @Test
    void undocumentedBlankAndDefaultlessFieldsAreFlagged() {
        List<ConfigField> fields = ConfigField.of(Outer.class, DEFAULTS, Set.of());
        assertTrue(fields.get(0).documented() && fields.get(0).hasDefault());
        assertFalse(fields.get(3).documented(), "no @ConfigDoc");
        assertFalse(fields.get(4).hasDefault(), "null default");
        assertTrue(fields.get(4).documented());
        assertFalse(fields.get(5).documented(), "a blank @ConfigDoc documents nothing");
    }

    @Test
    void aRecordTypeKeptWholeIsOneField() {
        List<ConfigField> fields = ConfigField.of(Outer.class, DEFAULTS, Set.of(Inner.class));
        assertEquals("inner", fields.get(0).name());
        assertEquals("Inner", fields.get(0).type());
        assertEquals(Optional.of("{width: 3, mode: \"cosine\"}"), fields.get(0).defaultText());
    }

    /** A record with a deprecated alias that still binds. */
    public record WithAlias(@ConfigDoc("The new name.") double weight,
                            @ConfigDoc("Deprecated: the old name.") @Deprecated Double oldWeight) {}

    @Test
    void aDeprecatedAliasIsNotAFieldToDocumentOrDefault() {
        assertEquals(List.of("weight"), ConfigField.of(WithAlias.class, new WithAlias(1, null), Set.of()).stream()
                .map(ConfigField::name).toList());
    }

    @Test
    void withoutDefaultsNoFieldHasOne() {
        assertTrue(ConfigField.of(Outer.class, null, Set.of()).stream().noneMatch(ConfigField::hasDefault));
    }
}
