package dev.perennial.api.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configuration records survive the registry's binding: defaults to a JSON tree, fields over it, back. */
class ConfigJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static <C> C overlay(C defaults, String json, Class<C> type) throws Exception {
        ObjectNode tree = MAPPER.valueToTree(defaults);
        tree.setAll((ObjectNode) MAPPER.readTree(json));
        return MAPPER.treeToValue(tree, type);
    }

    @Test
    void everyConfigBindsOverItsDefaults() throws Exception {
        assertEquals(new GeneratedShapesConfig(0, 4, 1, 28, 300, 100, 0.1), overlay(GeneratedShapesConfig.defaults(),
                "{\"classes\": 4, \"trainPerClass\": 300}", GeneratedShapesConfig.class));
        assertEquals(new ImageFolderConfig("/data/x.zip", 3, 0, 0, 0), overlay(ImageFolderConfig.defaults(),
                "{\"path\": \"/data/x.zip\"}", ImageFolderConfig.class));
        IdxConfig idx = overlay(IdxConfig.defaults(), "{\"limitPerClass\": 5, \"classNames\": [\"a\", \"b\"]}",
                IdxConfig.class);
        assertEquals(IdxConfig.FASHION_MNIST_FOLDER, idx.folder());
        assertEquals(List.of("a", "b"), idx.classNames());
        assertEquals(5, idx.limitPerClass());
        assertEquals(new ClassIncrementalConfig(5, 5, 1993, 0), overlay(ClassIncrementalConfig.defaults(),
                "{\"initialClasses\": 5, \"increment\": 5, \"classOrderSeed\": 1993}", ClassIncrementalConfig.class));
    }

    @Test
    void aBadValueReportsTheFieldThroughJackson() {
        ValueInstantiationException e = assertThrows(ValueInstantiationException.class,
                () -> overlay(GeneratedShapesConfig.defaults(), "{\"channels\": 2}", GeneratedShapesConfig.class));
        assertTrue(e.getMessage().contains("'channels' must be 1 or 3"), e.getMessage());
    }
}
