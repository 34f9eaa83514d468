package dev.perennial.api.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.api.config.Abbreviated;
import dev.perennial.api.config.ConfigBinder;
import dev.perennial.api.config.ConfigException;
import dev.perennial.spi.Capability;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginKind;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.PluginProvider;
import dev.perennial.spi.SpiVersion;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Every plugin the application can use, by kind and name: the providers of the application itself
 * ("built-in") and those of plugin directories.
 *
 * <h2>Discovery</h2>
 * Providers are found with {@code ServiceLoader.stream()} and indexed by the {@link PluginName} on their class,
 * read from {@code ServiceLoader.Provider.type()}: loading a registry instantiates no provider. A provider is
 * instantiated the first time it is used ({@link #provider}, {@link #describe}, {@link #list}, {@link #create})
 * and then checked: {@link PluginProvider#name()} must equal its {@code @PluginName},
 * {@link PluginProvider#kind()} must be the kind it was registered under, and its
 * {@link PluginProvider#spiVersion()} must be {@linkplain SpiVersion#isCompatible compatible}.
 * Loading fails, listing every problem at once, on a provider without {@code @PluginName}, a name that does not
 * match {@link PluginProvider#NAME}, and two providers of one kind with the same name (both sources are named).
 *
 * <h2>Plugin directories</h2>
 * Each directory of jars is loaded on its own (the Druid extension pattern), as {@link PluginIsolation} says:
 * <ul>
 *   <li>when the application runs on the module path, into one {@link ModuleLayer} whose parent is the layer
 *       of {@code dev.perennial.spi}. Each jar must be an explicit module that requires only
 *       {@code dev.perennial.spi}, {@code dev.perennial.models}, {@code ai.djl.api}, {@code java.*} modules and
 *       modules of the same directory; a plugin that requires {@code dev.perennial.api} (or anything else) is
 *       refused with a message naming the jar and the requirement. Providers are declared with
 *       {@code provides dev.perennial.spi.LearnerProvider with ...};</li>
 *   <li>when it runs on the class path, through one {@link java.net.URLClassLoader} per directory, with
 *       providers listed in {@code META-INF/services/dev.perennial.spi.LearnerProvider} (etc.). A plugin jar
 *       should carry both, so that it works either way.</li>
 * </ul>
 *
 * <h2>Configuration records and Jackson</h2>
 * {@link #create} binds the experiment's fields over {@link PluginProvider#defaultConfig()} with
 * {@link ConfigBinder} (unknown or mistyped fields are errors naming the field). Jackson lives in module
 * {@code com.fasterxml.jackson.databind} and must be allowed to construct the record, so a plugin module either
 * <em>exports</em> the package of a public configuration record ({@code exports my.plugin;}) or opens it to
 * Jackson ({@code opens my.plugin.config to com.fasterxml.jackson.databind;}). Without either, binding fails
 * with a message naming the {@code opens} line to add. (On the class path there is nothing to declare.)
 *
 * <p>A registry does not change after {@link #load}; it is safe to share between threads.
 */
public final class PluginRegistry {

    private static final Map<PluginKind, Class<?>> PLUGIN_TYPES = pluginTypes();

    private final Map<PluginKind, SortedMap<String, Entry>> byKind;

    private PluginRegistry(Map<PluginKind, SortedMap<String, Entry>> byKind) {
        this.byKind = byKind;
    }

    /**
     * Loads the application's providers and those of the given plugin directories
     * ({@link PluginIsolation#AUTO}).
     *
     * @param pluginDirectories folders of plugin jars, each loaded on its own; may be empty
     * @return the registry
     * @throws PluginException listing every problem found: a missing directory, a jar that is not a suitable
     *         module, a provider that cannot be loaded, a missing or malformed name, duplicate names
     */
    public static PluginRegistry load(List<Path> pluginDirectories) {
        return load(pluginDirectories, PluginIsolation.AUTO);
    }

    /**
     * Loads the application's providers and those of the given plugin directories.
     *
     * @param pluginDirectories folders of plugin jars, each loaded on its own; may be empty
     * @param isolation how the directories are loaded
     * @return the registry
     * @throws PluginException listing every problem found
     */
    public static PluginRegistry load(List<Path> pluginDirectories, PluginIsolation isolation) {
        Objects.requireNonNull(pluginDirectories, "pluginDirectories");
        boolean moduleLayer = switch (isolation) {
            case MODULE_LAYER -> true;
            case CLASS_LOADER -> false;
            case AUTO -> PluginProvider.class.getModule().isNamed();
        };
        List<String> problems = new ArrayList<>();
        List<DiscoveredProvider> found = new ArrayList<>(PluginDiscovery.builtIns(problems));
        for (Path directory : pluginDirectories) {
            found.addAll(PluginDiscovery.directory(directory.toAbsolutePath().normalize(), moduleLayer, problems));
        }
        return index(found, problems);
    }

    /**
     * A registry of exactly the given providers (tests and embedders that assemble providers themselves).
     *
     * @param discovered the providers
     * @return the registry
     * @throws PluginException on missing names, malformed names or duplicates
     */
    static PluginRegistry of(List<DiscoveredProvider> discovered) {
        return index(discovered, new ArrayList<>());
    }

    private static PluginRegistry index(List<DiscoveredProvider> discovered, List<String> problems) {
        Map<PluginKind, SortedMap<String, Entry>> byKind = new EnumMap<>(PluginKind.class);
        for (PluginKind kind : PluginKind.values()) {
            byKind.put(kind, new TreeMap<>());
        }
        for (DiscoveredProvider d : discovered) {
            Class<?> type = d.provider().type();
            PluginName annotation = type.getAnnotation(PluginName.class);
            if (annotation == null) {
                problems.add(d.kind().label() + " provider " + type.getName() + " (" + d.source()
                        + ") has no @PluginName annotation; add @PluginName(\"its-name\") to the class so the"
                        + " registry can index it without instantiating it");
                continue;
            }
            String name = annotation.value();
            if (!PluginProvider.NAME.matcher(name).matches()) {
                problems.add(d.kind().label() + " provider " + type.getName() + " (" + d.source() + ") is named '"
                        + name + "', which is not a valid name: use lower-case letters, digits and dashes,"
                        + " starting with a letter (" + PluginProvider.NAME + ")");
                continue;
            }
            SortedMap<String, Entry> names = byKind.get(d.kind());
            Entry previous = names.get(name);
            if (previous != null) {
                problems.add("two " + d.kind().label() + " plugins are named '" + name + "': "
                        + previous.type().getName() + " from " + previous.source() + " and " + type.getName()
                        + " from " + d.source() + "; remove one of them");
                continue;
            }
            names.put(name, new Entry(d.kind(), name, d));
        }
        if (!problems.isEmpty()) {
            throw new PluginException(problems.size() == 1 ? problems.get(0) : problems.size()
                    + " plugin problems:\n - " + String.join("\n - ", problems));
        }
        Map<PluginKind, SortedMap<String, Entry>> frozen = new EnumMap<>(PluginKind.class);
        byKind.forEach((k, v) -> frozen.put(k, Collections.unmodifiableSortedMap(v)));
        return new PluginRegistry(Collections.unmodifiableMap(frozen));
    }

    /**
     * The names of one kind, sorted; instantiates nothing.
     *
     * @param kind the kind
     * @return the names
     */
    public Set<String> names(PluginKind kind) {
        return byKind.get(kind).keySet();
    }

    /**
     * Whether a plugin of that kind and name exists; instantiates nothing.
     *
     * @param kind the kind
     * @param name the name
     * @return true when known
     */
    public boolean contains(PluginKind kind, String name) {
        return byKind.get(kind).containsKey(name);
    }

    /**
     * Describes every plugin of one kind, sorted by name. Instantiates their providers.
     *
     * @param kind the kind
     * @return the descriptors
     * @throws PluginException when a provider cannot be instantiated or is invalid
     */
    public List<PluginDescriptor> list(PluginKind kind) {
        return byKind.get(kind).values().stream().map(Entry::descriptor).toList();
    }

    /**
     * Describes every plugin, by kind then name. Instantiates every provider.
     *
     * @return the descriptors
     * @throws PluginException when a provider cannot be instantiated or is invalid
     */
    public List<PluginDescriptor> list() {
        List<PluginDescriptor> all = new ArrayList<>();
        for (PluginKind kind : PluginKind.values()) {
            all.addAll(list(kind));
        }
        return List.copyOf(all);
    }

    /**
     * Describes one plugin.
     *
     * @param kind the kind
     * @param name the name
     * @return the descriptor
     * @throws PluginException when unknown (with the nearest names), not instantiable or invalid
     */
    public PluginDescriptor describe(PluginKind kind, String name) {
        return entry(kind, name).descriptor();
    }

    /**
     * The provider of that kind and name, instantiated and checked on first use.
     *
     * @param kind the kind
     * @param name the name
     * @return the provider
     * @throws PluginException when unknown (with the nearest names), not instantiable or invalid
     */
    public PluginProvider<?, ?> provider(PluginKind kind, String name) {
        return entry(kind, name).instance();
    }

    /**
     * Binds a plugin's configuration without creating the plugin, e.g. to validate a whole experiment before
     * a run starts.
     *
     * @param kind the kind
     * @param name the name
     * @param config the given fields, or {@code null} for the defaults
     * @param where where the fields come from, for messages (e.g. {@code experiment.yaml: learner})
     * @return the bound configuration record
     * @throws PluginException when the plugin is unknown or broken
     * @throws ConfigException when the fields do not bind
     */
    public Record bindConfig(PluginKind kind, String name, JsonNode config, String where) {
        Entry entry = entry(kind, name);
        return bind(entry, entry.instance(), config, where == null || where.isBlank() ? entry.label() : where);
    }

    /**
     * Creates a plugin: binds {@code config} over the provider's defaults, then calls
     * {@link PluginProvider#create}.
     *
     * @param kind the kind
     * @param name the name
     * @param config the given fields, or {@code null} for the defaults
     * @param context what the runtime lends the plugin
     * @param where where the fields come from, for messages (e.g. {@code experiment.yaml: learner}); when
     *              null or blank, the plugin's kind and name
     * @param <P> the plugin type of the kind (e.g. {@link dev.perennial.spi.Learner})
     * @return the plugin object
     * @throws PluginException when the plugin is unknown, broken, throws in {@code create} or returns an object
     *         of the wrong type; the message names the plugin and its module and jar
     * @throws ConfigException when the fields do not bind; the message starts with {@code where}
     */
    @SuppressWarnings("unchecked")
    public <P> P create(PluginKind kind, String name, JsonNode config, PluginContext context, String where) {
        Entry entry = entry(kind, name);
        PluginProvider<?, ?> provider = entry.instance();
        Record bound = bind(entry, provider, config, where == null || where.isBlank() ? entry.label() : where);
        Object plugin;
        try {
            plugin = createWith(provider, bound, context);
        } catch (RuntimeException | LinkageError e) {
            throw new PluginException(entry.label() + " from " + entry.source() + " failed in create(): "
                    + describe(e), e);
        }
        Class<?> expected = PLUGIN_TYPES.get(kind);
        if (plugin == null || !expected.isInstance(plugin)) {
            throw new PluginException(entry.label() + " from " + entry.source() + " returned "
                    + (plugin == null ? "null" : "a " + plugin.getClass().getName()) + " from create(); "
                    + article(kind.label()) + " must return a " + expected.getName());
        }
        return (P) plugin;
    }

    private static Record bind(Entry entry, PluginProvider<?, ?> provider, JsonNode config, String where) {
        Record defaults;
        try {
            defaults = provider.defaultConfig();
        } catch (RuntimeException | LinkageError e) {
            throw new PluginException(entry.label() + " from " + entry.source() + " failed in defaultConfig(): "
                    + describe(e), e);
        }
        return bindTyped(provider, config, defaults, where);
    }

    private static <C extends Record> C bindTyped(PluginProvider<C, ?> provider, JsonNode config, Record defaults,
                                                  String where) {
        Class<C> type = provider.configType();
        if (defaults != null && !type.isInstance(defaults)) {
            throw new PluginException("plugin provider " + provider.getClass().getName() + " returns defaults of "
                    + defaults.getClass().getName() + " but declares configType() " + type.getName());
        }
        return ConfigBinder.bind(config, type, type.cast(defaults), where);
    }

    private static <C extends Record> Object createWith(PluginProvider<C, ?> provider, Record config,
                                                        PluginContext context) {
        return provider.create(provider.configType().cast(config), context);
    }

    private Entry entry(PluginKind kind, String name) {
        Objects.requireNonNull(kind, "kind");
        Entry entry = name == null ? null : byKind.get(kind).get(name);
        if (entry != null) {
            return entry;
        }
        SortedMap<String, Entry> known = byKind.get(kind);
        StringBuilder message = new StringBuilder("no " + kind.label() + " named '"
                + Abbreviated.value(name) + "'");
        if (name != null && !PluginProvider.NAME.matcher(name).matches()) {
            message.append(" (names are lower-case letters, digits and dashes)");
        }
        for (PluginKind other : PluginKind.values()) {
            Entry elsewhere = other == kind || name == null ? null : byKind.get(other).get(name);
            if (elsewhere != null) {
                message.append("; '").append(name).append("' is ").append(article(other.label())).append(" (from ")
                        .append(elsewhere.source()).append("), not ").append(article(kind.label()));
            }
        }
        List<String> nearest = name == null ? List.of() : NearestNames.nearest(name, known.keySet(), 3);
        if (!nearest.isEmpty()) {
            message.append("; did you mean ").append(nearest.stream().map(n -> "'" + n + "'")
                    .collect(Collectors.joining(" or "))).append('?');
        }
        message.append(known.isEmpty() ? "; no " + kind.label() + " plugins are installed"
                : "; known " + kind.label() + " plugins: " + known.keySet());
        throw new PluginException(message.toString());
    }

    private static String article(String word) {
        return ("aeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /** The plugin interface each kind's factory returns, read from {@code XProvider extends PluginProvider<C, P>}. */
    private static Map<PluginKind, Class<?>> pluginTypes() {
        Map<PluginKind, Class<?>> out = new EnumMap<>(PluginKind.class);
        for (PluginKind kind : PluginKind.values()) {
            for (Type t : kind.providerType().getGenericInterfaces()) {
                if (t instanceof ParameterizedType p && p.getRawType() == PluginProvider.class
                        && p.getActualTypeArguments()[1] instanceof Class<?> c) {
                    out.put(kind, c);
                }
            }
            out.putIfAbsent(kind, Object.class);
        }
        return out;
    }

    /** One indexed provider; instantiated and validated once, on first use. */
    private static final class Entry {
        private final PluginKind kind;
        private final String name;
        private final DiscoveredProvider found;
        private PluginProvider<?, ?> instance;
        private PluginDescriptor descriptor;

        Entry(PluginKind kind, String name, DiscoveredProvider found) {
            this.kind = kind;
            this.name = name;
            this.found = found;
        }

        Class<?> type() {
            return found.provider().type();
        }

        PluginSource source() {
            return found.source();
        }

        String label() {
            return kind.label() + " '" + name + "'";
        }

        synchronized PluginProvider<?, ?> instance() {
            if (instance == null) {
                PluginProvider<?, ?> created = instantiate();
                descriptor = validate(created);
                instance = created;
            }
            return instance;
        }

        synchronized PluginDescriptor descriptor() {
            instance();
            return descriptor;
        }

        private PluginProvider<?, ?> instantiate() {
            Object created;
            try {
                created = found.provider().get();
            } catch (ServiceConfigurationError e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new PluginException(label() + " (" + type().getName() + " from " + source()
                        + ") could not be instantiated: its constructor threw " + describe(cause), e);
            } catch (RuntimeException | LinkageError e) {
                throw new PluginException(label() + " (" + type().getName() + " from " + source()
                        + ") could not be instantiated: " + describe(e), e);
            }
            if (!(created instanceof PluginProvider<?, ?> provider)) {
                throw new PluginException(label() + " (" + type().getName() + " from " + source()
                        + ") is not a PluginProvider");
            }
            return provider;
        }

        private PluginDescriptor validate(PluginProvider<?, ?> p) {
            String declaredName;
            PluginKind declaredKind;
            String spiVersion;
            String version;
            String description;
            Set<Capability> capabilities;
            Class<? extends Record> configType;
            try {
                declaredName = p.name();
                declaredKind = p.kind();
                spiVersion = p.spiVersion();
                version = p.version();
                description = p.description();
                capabilities = p.capabilities();
                configType = p.configType();
            } catch (RuntimeException | LinkageError e) {
                throw new PluginException(label() + " from " + source() + " failed while describing itself: "
                        + describe(e), e);
            }
            String from = label() + " (" + type().getName() + " from " + source() + ")";
            if (!name.equals(declaredName)) {
                throw new PluginException(from + " is annotated @PluginName(\"" + name + "\") but name() returns '"
                        + declaredName + "'; the two must be equal (or do not override name())");
            }
            if (declaredKind != kind) {
                throw new PluginException(from + " is registered as a " + kind.providerType().getSimpleName()
                        + " (" + article(kind.label()) + ") but kind() returns " + declaredKind
                        + "; register it under the provider interface of its kind");
            }
            boolean compatible;
            try {
                compatible = SpiVersion.isCompatible(spiVersion);
            } catch (IllegalArgumentException e) {
                throw new PluginException(from + " declares an invalid SPI version: " + e.getMessage(), e);
            }
            if (!compatible) {
                throw new PluginException(from + " was built for SPI " + spiVersion + " but this runtime provides SPI "
                        + SpiVersion.CURRENT + "; a plugin runs when its SPI major version is " + SpiVersion.MAJOR
                        + " and its minor version is at most " + SpiVersion.MINOR + ". Rebuild the plugin against"
                        + " dev.perennial.spi " + SpiVersion.CURRENT + " or use a Perennial release with SPI "
                        + spiVersion);
            }
            if (version == null || version.isBlank()) {
                throw new PluginException(from + " returns no version(); return e.g. \"1.0.0\"");
            }
            if (configType == null || !configType.isRecord()) {
                throw new PluginException(from + " returns " + configType + " from configType(); it must be a record"
                        + " class");
            }
            return new PluginDescriptor(kind, name, version, spiVersion, description == null ? "" : description,
                    capabilities == null ? Set.of() : capabilities, configType, source());
        }
    }
}
