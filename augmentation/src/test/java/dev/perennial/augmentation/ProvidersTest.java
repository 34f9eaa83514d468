package dev.perennial.augmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import ai.djl.ndarray.NDManager;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.AugmenterProvider;
import dev.perennial.spi.ConfigDoc;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginKind;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.PluginProvider;
import dev.perennial.spi.SpiVersion;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The registration contract: every augmenter is discoverable by name and fully documented. */
class ProvidersTest {

    private static final List<String> NAMES = List.of("cutmix", "de-da", "freda", "mixup", "randaugment");

    @SuppressWarnings("rawtypes")
    private static TreeMap<String, AugmenterProvider> discovered() {
        TreeMap<String, AugmenterProvider> byName = new TreeMap<>();
        // On the module path the tests run inside this module, which provides but does not use the service.
        ProvidersTest.class.getModule().addUses(AugmenterProvider.class);
        ServiceLoader.load(AugmenterProvider.class).stream().forEach(p -> {
            PluginName n = p.type().getAnnotation(PluginName.class);
            assertNotNull(n, p.type() + " carries @PluginName");
            byName.put(n.value(), p.get());
        });
        return byName;
    }

    @Test
    void allFiveAreFoundByServiceLoaderWithoutInstantiation() {
        assertTrue(discovered().keySet().containsAll(NAMES), "found " + discovered().keySet());
    }

    @Test
    void servicesFileListsTheSameProvidersAsModuleInfo() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/services/dev.perennial.spi.AugmenterProvider")) {
            assertNotNull(in);
            TreeSet<String> listed = new TreeSet<>(Arrays.asList(new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .trim().split("\\s+")));
            TreeSet<String> classes = new TreeSet<>();
            discovered().values().forEach(p -> classes.add(p.getClass().getName()));
            assertEquals(classes, listed);
            if (ProvidersTest.class.getModule().isNamed()) {
                TreeSet<String> provided = new TreeSet<>();
                ProvidersTest.class.getModule().getDescriptor().provides().stream()
                        .filter(p -> p.service().equals(AugmenterProvider.class.getName()))
                        .forEach(p -> provided.addAll(p.providers()));
                assertEquals(classes, provided);
            }
        }
    }

    @Test
    @SuppressWarnings({"rawtypes", "unchecked"})
    void everyProviderIsCompleteAndCreatesItsAugmenter() {
        PluginContext context = mock(PluginContext.class);
        when(context.seed()).thenReturn(7L);
        try (NDManager m = NDManager.newBaseManager()) {
            when(context.manager()).thenReturn(m);
            for (String name : NAMES) {
                AugmenterProvider p = discovered().get(name);
                assertEquals(name, p.name());
                assertTrue(PluginProvider.NAME.matcher(p.name()).matches());
                assertEquals(SpiVersion.CURRENT, p.spiVersion());
                assertEquals(PluginKind.AUGMENTER, p.kind());
                assertFalse(p.description().isBlank(), name + " has a description");
                Record defaults = p.defaultConfig();
                assertEquals(p.configType(), defaults.getClass());
                for (RecordComponent c : p.configType().getRecordComponents()) {
                    ConfigDoc doc = c.getAnnotation(ConfigDoc.class);
                    assertNotNull(doc, name + "." + c.getName() + " has @ConfigDoc");
                    assertFalse(doc.value().isBlank());
                }
                Augmenter a = (Augmenter) p.create(defaults, context);
                assertNotNull(a, name);
            }
        }
    }
}
