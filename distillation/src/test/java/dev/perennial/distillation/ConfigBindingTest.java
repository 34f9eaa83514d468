package dev.perennial.distillation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.distillation.cakd.CakdConfig;
import dev.perennial.distillation.fitnet.FitnetConfig;
import dev.perennial.distillation.kd.KdConfig;
import dev.perennial.distillation.ofa.OfaConfig;
import org.junit.jupiter.api.Test;

/** The config records round-trip through JSON with unknown fields refused, as the runtime binds them. */
class ConfigBindingTest {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void defaultsRoundTripAndAFieldOverrides() throws Exception {
        for (Record r : new Record[] {CakdConfig.defaults(), KdConfig.of(ModelSpec.of("vit", 10, 32)),
                OfaConfig.of(ModelSpec.of("vit", 10, 32), ModelSpec.of("resnet18", 10, 32)),
                OfaConfig.logitsOnly(ModelSpec.of("vit", 10, 32)), FitnetConfig.of(ModelSpec.of("vit", 10, 32), 512)}) {
            JsonNode tree = MAPPER.valueToTree(r);
            assertEquals(r, MAPPER.treeToValue(tree, r.getClass()));
        }
        ObjectNode cakd = MAPPER.valueToTree(CakdConfig.defaults());
        cakd.put("ofaEps", 1.5);
        ((ObjectNode) cakd.get("teacher")).put("checkpoint", "teacher.safetensors");
        CakdConfig bound = MAPPER.treeToValue(cakd, CakdConfig.class);
        assertEquals(1.5, bound.ofaEps());
        assertEquals("teacher.safetensors", bound.teacher().checkpoint());
        assertTrue(MAPPER.valueToTree(CakdConfig.defaults()).get("teacher").has("architecture"));
    }

    @Test
    void anInvalidValueFailsWithTheFieldsName() {
        ObjectNode cakd = MAPPER.valueToTree(CakdConfig.defaults());
        cakd.put("vitPooling", "max");
        Exception e = assertThrows(Exception.class, () -> MAPPER.treeToValue(cakd, CakdConfig.class));
        assertTrue(String.valueOf(e.getMessage()).contains("vitPooling"), e.getMessage());
    }
}
