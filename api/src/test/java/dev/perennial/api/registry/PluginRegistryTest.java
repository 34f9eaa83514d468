package dev.perennial.api.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.api.config.ConfigBinder;
import dev.perennial.api.config.ConfigException;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.AugmenterProvider;
import dev.perennial.spi.Capability;
import dev.perennial.spi.Learner;
import dev.perennial.spi.LearnerProvider;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginKind;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

public class PluginRegistryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PluginSource BUILT_IN = new PluginSource(true, "test.builtin", Optional.empty());
    private static final PluginSource JAR = new PluginSource(false, "test.plugin",
            Optional.of(Path.of("/plugins/test-plugin.jar")));

    /** The toy learner's configuration. */
    public record ToyConfig(double rate, int epochs) {
        public ToyConfig {
            if (!(rate > 0)) {
                throw new IllegalArgumentException("rate must be > 0, was " + rate);
            }
        }
    }

    /** What the toy provider received in its last create() call. */
    static final List<ToyConfig> CREATED_WITH = new ArrayList<>();
    static final AtomicInteger INSTANCES = new AtomicInteger();

    /** A well-formed learner provider that counts its instances. */
    @PluginName("toy")
    public static class ToyProvider implements LearnerProvider<ToyConfig> {
        public ToyProvider() {
            INSTANCES.incrementAndGet();
        }

        @Override public String version() { return "1.2.3"; }
        @Override public String spiVersion() { return SpiVersion.CURRENT; }
        @Override public Class<ToyConfig> configType() { return ToyConfig.class; }
        @Override public ToyConfig defaultConfig() { return new ToyConfig(0.1, 3); }
        @Override public String description() { return "A toy."; }
        @Override public Set<Capability> capabilities() { return Set.of(Capability.CLASS_INCREMENTAL); }

        @Override
        public Learner create(ToyConfig config, PluginContext context) {
            CREATED_WITH.add(config);
            return mock(Learner.class);
        }
    }

    /** Another learner, for suggestions. */
    @PluginName("toy-ewc")
    public static class ToyEwcProvider extends ToyProvider {}

    /** No annotation. */
    public static class UnnamedProvider extends ToyProvider {}

    /** A name that breaks the naming rule. */
    @PluginName("Toy_Learner")
    public static class BadlyNamedProvider extends ToyProvider {}

    /** name() disagrees with the annotation. */
    @PluginName("liar")
    public static class LyingProvider extends ToyProvider {
        @Override public String name() { return "honest"; }
    }

    /** Built for a future SPI. */
    @PluginName("future")
    public static class FutureProvider extends ToyProvider {
        @Override public String spiVersion() { return "2.0"; }
    }

    /** A newer minor SPI than this runtime's. */
    @PluginName("newer-minor")
    public static class NewerMinorProvider extends ToyProvider {
        @Override public String spiVersion() { return SpiVersion.MAJOR + "." + (SpiVersion.MINOR + 1); }
    }

    /** Its constructor throws. */
    @PluginName("broken")
    public static class ThrowingConstructorProvider extends ToyProvider {
        public ThrowingConstructorProvider() {
            throw new IllegalStateException("cannot find native library libfoo.so");
        }
    }

    /** Its factory throws. */
    @PluginName("fragile")
    public static class ThrowingCreateProvider extends ToyProvider {
        @Override
        public Learner create(ToyConfig config, PluginContext context) {
            throw new IllegalArgumentException("needs a scenario with at least 2 tasks");
        }
    }

    /** Registered as a learner but claims to be an augmenter. */
    @PluginName("confused")
    public static class WrongKindProvider extends ToyProvider {
        @Override public PluginKind kind() { return PluginKind.AUGMENTER; }
    }

    /** The configuration of {@link HiddenConfigProvider}: package-private, in a package not open to Jackson. */
    record HiddenConfig(int size) {}

    /** A provider whose configuration record Jackson cannot reach. */
    @PluginName("hidden")
    public static class HiddenConfigProvider implements LearnerProvider<HiddenConfig> {
        @Override public String version() { return "1.0"; }
        @Override public String spiVersion() { return SpiVersion.CURRENT; }
        @Override public Class<HiddenConfig> configType() { return HiddenConfig.class; }
        @Override public HiddenConfig defaultConfig() { return new HiddenConfig(1); }
        @Override public Learner create(HiddenConfig config, PluginContext context) { return mock(Learner.class); }
    }

    /** The configuration of an augmenter. */
    public record NoConfig() {}

    /** An augmenter named like a learner the user may have meant. */
    @PluginName("mixup")
    public static class MixupProvider implements AugmenterProvider<NoConfig> {
        @Override public String version() { return "1.0"; }
        @Override public String spiVersion() { return SpiVersion.CURRENT; }
        @Override public Class<NoConfig> configType() { return NoConfig.class; }
        @Override public NoConfig defaultConfig() { return new NoConfig(); }
        @Override public Augmenter create(NoConfig config, PluginContext context) { return mock(Augmenter.class); }
    }

    /** A ServiceLoader handle over a class, instantiating it like ServiceLoader would (public constructor). */
    private record Handle<S>(Class<? extends S> type, Supplier<S> factory) implements ServiceLoader.Provider<S> {
        @Override
        public S get() {
            return factory.get();
        }
    }

    private static <T> DiscoveredProvider learner(Class<T> type, PluginSource source) {
        return new DiscoveredProvider(PluginKind.LEARNER, new Handle<>(type, () -> {
            try {
                return type.getConstructor().newInstance();
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw new java.util.ServiceConfigurationError("Provider " + type.getName()
                        + " could not be instantiated", e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }), source);
    }

    private static DiscoveredProvider augmenter(Class<?> type) {
        return new DiscoveredProvider(PluginKind.AUGMENTER, new Handle<>(type, () -> new MixupProvider()), BUILT_IN);
    }

    private static PluginRegistry registry(DiscoveredProvider... providers) {
        return PluginRegistry.of(List.of(providers));
    }

    @BeforeEach
    void reset() {
        INSTANCES.set(0);
        CREATED_WITH.clear();
    }

    @Test
    void loadingIndexesByAnnotationWithoutInstantiating() {
        PluginRegistry r = registry(learner(ToyProvider.class, BUILT_IN), learner(ToyEwcProvider.class, JAR));
        assertEquals(Set.of("toy", "toy-ewc"), r.names(PluginKind.LEARNER));
        assertEquals(0, INSTANCES.get());
        r.provider(PluginKind.LEARNER, "toy");
        r.provider(PluginKind.LEARNER, "toy");
        assertEquals(1, INSTANCES.get(), "instantiated once, on first use");
    }

    @Test
    void descriptorsCarryMetadataAndSource() {
        PluginRegistry r = registry(learner(ToyProvider.class, BUILT_IN), learner(ToyEwcProvider.class, JAR));
        List<PluginDescriptor> learners = r.list(PluginKind.LEARNER);
        assertEquals(List.of("toy", "toy-ewc"), learners.stream().map(PluginDescriptor::name).toList());
        PluginDescriptor ewc = learners.get(1);
        assertEquals(PluginKind.LEARNER, ewc.kind());
        assertEquals("1.2.3", ewc.version());
        assertEquals(SpiVersion.CURRENT, ewc.spiVersion());
        assertEquals("A toy.", ewc.description());
        assertEquals(Set.of(Capability.CLASS_INCREMENTAL), ewc.capabilities());
        assertEquals(ToyConfig.class, ewc.configType());
        assertSame(JAR, ewc.source());
        assertEquals("module test.plugin in " + Path.of("/plugins/test-plugin.jar"), ewc.source().toString());
        assertEquals(2, r.list().size());
    }

    @Test
    void createBindsGivenFieldsOverTheDefaults() throws Exception {
        PluginRegistry r = registry(learner(ToyProvider.class, BUILT_IN));
        Learner learner = r.create(PluginKind.LEARNER, "toy", JSON.readTree("{\"epochs\": 9}"),
                mock(PluginContext.class), "experiment.yaml: learner");
        assertTrue(learner instanceof Learner);
        assertEquals(List.of(new ToyConfig(0.1, 9)), CREATED_WITH);
        r.create(PluginKind.LEARNER, "toy", null, mock(PluginContext.class), null);
        assertEquals(new ToyConfig(0.1, 3), CREATED_WITH.get(1));
    }

    @Test
    void createReportsConfigErrorsWithWhere() throws Exception {
        PluginRegistry r = registry(learner(ToyProvider.class, BUILT_IN));
        ConfigException e = assertThrows(ConfigException.class, () -> r.create(PluginKind.LEARNER, "toy",
                JSON.readTree("{\"epoch\": 9}"), mock(PluginContext.class), "experiment.yaml: learner"));
        assertTrue(e.getMessage().startsWith("experiment.yaml: learner: unknown field 'epoch'"), e.getMessage());
        assertTrue(e.getMessage().contains("epochs (int)"), e.getMessage());
        ConfigException invalid = assertThrows(ConfigException.class, () -> r.bindConfig(PluginKind.LEARNER, "toy",
                JSON.readTree("{\"rate\": 0}"), null));
        assertEquals("learner 'toy': rate must be > 0, was 0.0", invalid.getMessage());
    }

    @Test
    void duplicateNamesNameBothSources() {
        PluginException e = assertThrows(PluginException.class,
                () -> registry(learner(ToyProvider.class, BUILT_IN), learner(ToyProvider.class, JAR)));
        String m = e.getMessage();
        assertTrue(m.contains("two learner plugins are named 'toy'"), m);
        assertTrue(m.contains("built-in module test.builtin"), m);
        assertTrue(m.contains("module test.plugin in " + Path.of("/plugins/test-plugin.jar")), m);
    }

    @Test
    void theSameNameInTwoKindsIsNoDuplicate() {
        PluginRegistry r = registry(learner(ToyProvider.class, BUILT_IN), augmenter(MixupProvider.class),
                learner(ToyEwcProvider.class, JAR));
        assertEquals(Set.of("mixup"), r.names(PluginKind.AUGMENTER));
    }

    @Test
    void unknownNameSuggestsTheNearestAndListsTheKind() {
        PluginRegistry r = registry(learner(ToyProvider.class, BUILT_IN), learner(ToyEwcProvider.class, JAR),
                augmenter(MixupProvider.class));
        PluginException e = assertThrows(PluginException.class, () -> r.provider(PluginKind.LEARNER, "toi"));
        assertEquals("no learner named 'toi'; did you mean 'toy'?; known learner plugins: [toy, toy-ewc]",
                e.getMessage());
        PluginException far = assertThrows(PluginException.class, () -> r.provider(PluginKind.LEARNER, "lwf"));
        assertEquals("no learner named 'lwf'; known learner plugins: [toy, toy-ewc]", far.getMessage());
    }

    @Test
    void aLongUnknownNameIsShortenedInTheMessage() {
        PluginRegistry r = registry(learner(ToyProvider.class, BUILT_IN));
        String name = "q".repeat(1 << 20);
        PluginException e = assertThrows(PluginException.class, () -> r.provider(PluginKind.LEARNER, name));
        assertTrue(e.getMessage().startsWith("no learner named '" + "q".repeat(80) + "…(1048576 chars)'"),
                e.getMessage().substring(0, Math.min(200, e.getMessage().length())));
        assertTrue(e.getMessage().length() < 300, e.getMessage().length() + " chars");
    }

    @Test
    void aNameOfAnotherKindSaysWhichKindItIs() {
        PluginRegistry r = registry(learner(ToyProvider.class, BUILT_IN), augmenter(MixupProvider.class));
        PluginException e = assertThrows(PluginException.class,
                () -> r.create(PluginKind.LEARNER, "mixup", null, mock(PluginContext.class), null));
        assertTrue(e.getMessage().contains("'mixup' is an augmenter (from built-in module test.builtin), not a learner"),
                e.getMessage());
    }

    @Test
    void anEmptyKindSaysNothingIsInstalled() {
        PluginRegistry r = registry(learner(ToyProvider.class, BUILT_IN));
        PluginException e = assertThrows(PluginException.class, () -> r.provider(PluginKind.PROTECTOR, "slerp"));
        assertEquals("no protector named 'slerp'; no protector plugins are installed", e.getMessage());
    }

    @Test
    void aProviderWithoutPluginNameFailsTheLoad() {
        PluginException e = assertThrows(PluginException.class,
                () -> registry(learner(UnnamedProvider.class, JAR)));
        assertTrue(e.getMessage().contains(UnnamedProvider.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("has no @PluginName"), e.getMessage());
        assertTrue(e.getMessage().contains("test-plugin.jar"), e.getMessage());
    }

    @Test
    void allLoadProblemsAreReportedAtOnce() {
        PluginException e = assertThrows(PluginException.class, () -> registry(learner(UnnamedProvider.class, JAR),
                learner(BadlyNamedProvider.class, JAR)));
        assertTrue(e.getMessage().startsWith("2 plugin problems:"), e.getMessage());
        assertTrue(e.getMessage().contains("'Toy_Learner', which is not a valid name"), e.getMessage());
    }

    @Test
    void nameMustEqualTheAnnotation() {
        PluginRegistry r = registry(learner(LyingProvider.class, JAR));
        PluginException e = assertThrows(PluginException.class, () -> r.provider(PluginKind.LEARNER, "liar"));
        assertTrue(e.getMessage().contains("@PluginName(\"liar\") but name() returns 'honest'"), e.getMessage());
    }

    @Test
    void incompatibleSpiVersionsAreRefusedWithBothVersions() {
        PluginRegistry r = registry(learner(FutureProvider.class, JAR), learner(NewerMinorProvider.class, JAR));
        PluginException e = assertThrows(PluginException.class, () -> r.provider(PluginKind.LEARNER, "future"));
        assertTrue(e.getMessage().contains("was built for SPI 2.0 but this runtime provides SPI "
                + SpiVersion.CURRENT), e.getMessage());
        assertTrue(e.getMessage().contains("test-plugin.jar"), e.getMessage());
        assertThrows(PluginException.class, () -> r.provider(PluginKind.LEARNER, "newer-minor"));
        assertThrows(PluginException.class, () -> r.list(PluginKind.LEARNER));
    }

    @Test
    void aThrowingConstructorNamesThePluginAndItsJar() {
        PluginRegistry r = registry(learner(ThrowingConstructorProvider.class, JAR));
        PluginException e = assertThrows(PluginException.class, () -> r.provider(PluginKind.LEARNER, "broken"));
        String m = e.getMessage();
        assertTrue(m.startsWith("learner 'broken' (" + ThrowingConstructorProvider.class.getName()), m);
        assertTrue(m.contains("test-plugin.jar"), m);
        assertTrue(m.contains("its constructor threw IllegalStateException: cannot find native library libfoo.so"), m);
    }

    @Test
    void aThrowingCreateNamesThePluginAndItsJar() {
        PluginRegistry r = registry(learner(ThrowingCreateProvider.class, JAR));
        PluginException e = assertThrows(PluginException.class,
                () -> r.create(PluginKind.LEARNER, "fragile", null, mock(PluginContext.class), null));
        String m = e.getMessage();
        assertTrue(m.startsWith("learner 'fragile' from module test.plugin in"), m);
        assertTrue(m.contains("failed in create(): IllegalArgumentException: needs a scenario with at least 2 tasks"), m);
        assertTrue(e.getCause() instanceof IllegalArgumentException);
    }

    @Test
    void aProviderOfTheWrongKindIsRefused() {
        PluginRegistry r = registry(learner(WrongKindProvider.class, JAR));
        PluginException e = assertThrows(PluginException.class, () -> r.provider(PluginKind.LEARNER, "confused"));
        assertTrue(e.getMessage().contains("registered as a LearnerProvider (a learner) but kind() returns AUGMENTER"),
                e.getMessage());
    }

    @Test
    void aConfigRecordJacksonCannotReachNamesTheOpensLine() {
        PluginRegistry r = registry(learner(HiddenConfigProvider.class, JAR));
        ConfigException e = assertThrows(ConfigException.class,
                () -> r.create(PluginKind.LEARNER, "hidden", null, mock(PluginContext.class), "exp.yaml: learner"));
        String m = e.getMessage();
        assertTrue(m.startsWith("exp.yaml: learner: Jackson cannot reach the configuration record"), m);
        assertTrue(m.contains("`opens dev.perennial.api.registry to com.fasterxml.jackson.databind;`"), m);
        assertTrue(m.contains("not public"), m);
    }

    @Test
    void loadingTheApplicationFindsOnlyValidProvidersAndAMissingDirectoryIsAnError() {
        PluginRegistry r = PluginRegistry.load(List.of());
        for (PluginDescriptor d : r.list()) {
            assertTrue(d.source().builtIn(), d.toString());
            assertTrue(r.contains(d.kind(), d.name()));
        }
        Path missing = Path.of("no-such-plugin-folder").toAbsolutePath();
        PluginException e = assertThrows(PluginException.class, () -> PluginRegistry.load(List.of(missing)));
        assertEquals("plugin directory " + missing + " does not exist; give a folder that holds plugin jars",
                e.getMessage());
    }

    @Test
    void nearestNamesUsesEditDistance() {
        assertEquals(1, NearestNames.editDistance("finetune", "finetun"));
        assertEquals(3, NearestNames.editDistance("kitten", "sitting"));
        assertEquals(List.of("lwf", "ewc"), NearestNames.nearest("lw", List.of("ewc", "lwf", "safe"), 3));
        assertEquals(List.of(), NearestNames.nearest("zzzzzz", List.of("ewc", "lwf"), 3));
    }

    @Test
    void acceptedFieldsAreListedForThePluginsCommand() {
        assertEquals("[rate (double), epochs (int)]", ConfigBinder.acceptedFields(ToyConfig.class));
    }
}
