package dev.perennial.api.registry;

import dev.perennial.spi.PluginKind;
import dev.perennial.spi.PluginProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds providers with {@code ServiceLoader.stream()} without instantiating them: in the application
 * (built-in) and in plugin directories (one module layer, or one class loader, per directory).
 */
final class PluginDiscovery {

    private PluginDiscovery() {}

    /**
     * Providers of the application: named modules of the application's layers (module path) and
     * {@code META-INF/services} on the class path, as seen from the registry's class loader.
     */
    static List<DiscoveredProvider> builtIns(List<String> problems) {
        ClassLoader loader = PluginRegistry.class.getClassLoader();
        List<DiscoveredProvider> out = new ArrayList<>();
        for (PluginKind kind : PluginKind.values()) {
            collect(kind, ServiceLoader.load(kind.providerType(), loader), type -> true, true,
                    "the application", out, problems);
        }
        return out;
    }

    /**
     * Providers in one plugin directory.
     *
     * @param directory a folder of jars
     * @param moduleLayer true to load it as a module layer, false as a class loader
     * @param problems where problems are collected
     * @return the providers found there (only those defined by the directory's jars)
     */
    static List<DiscoveredProvider> directory(Path directory, boolean moduleLayer, List<String> problems) {
        if (!Files.isDirectory(directory)) {
            problems.add("plugin directory " + directory + (Files.exists(directory) ? " is not a directory"
                    : " does not exist") + "; give a folder that holds plugin jars");
            return List.of();
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(directory)) {
            jars = files.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException e) {
            problems.add("plugin directory " + directory + " cannot be listed: " + e.getMessage());
            return List.of();
        }
        if (jars.isEmpty()) {
            return List.of();
        }
        return moduleLayer ? moduleLayer(directory, jars, problems) : classLoader(directory, jars, problems);
    }

    private static List<DiscoveredProvider> moduleLayer(Path directory, List<Path> jars, List<String> problems) {
        Module spi = PluginProvider.class.getModule();
        ModuleLayer parent = spi.getLayer();
        if (!spi.isNamed() || parent == null) {
            problems.add("plugin directory " + directory + ": module-layer loading needs dev.perennial.spi on the"
                    + " module path, but it runs on the class path; use PluginIsolation.CLASS_LOADER or AUTO");
            return List.of();
        }
        ModuleFinder finder = ModuleFinder.of(jars.toArray(Path[]::new));
        Set<ModuleReference> references;
        try {
            references = finder.findAll();
        } catch (FindException e) {
            problems.add("plugin directory " + directory + ": cannot read its jars as modules: " + e.getMessage());
            return List.of();
        }
        Set<String> local = references.stream().map(r -> r.descriptor().name())
                .collect(Collectors.toCollection(TreeSet::new));
        int before = problems.size();
        for (ModuleReference reference : references) {
            checkDescriptor(reference, local, parent, problems);
        }
        if (problems.size() > before) {
            return List.of();
        }
        ModuleLayer layer;
        try {
            Configuration configuration = parent.configuration().resolve(ModuleFinder.of(), finder, local);
            layer = ModuleLayer.defineModulesWithOneLoader(configuration, List.of(parent), spi.getClassLoader())
                    .layer();
        } catch (ResolutionException | LayerInstantiationException e) {
            problems.add("plugin directory " + directory + ": its modules cannot be loaded: " + e.getMessage());
            return List.of();
        }
        List<DiscoveredProvider> out = new ArrayList<>();
        for (PluginKind kind : PluginKind.values()) {
            // ServiceLoader.load(layer, ...) also walks the parent layers: keep only this directory's providers.
            collect(kind, ServiceLoader.load(layer, kind.providerType()),
                    type -> type.getModule().getLayer() == layer, false, "plugin directory " + directory, out,
                    problems);
        }
        return out;
    }

    private static void checkDescriptor(ModuleReference reference, Set<String> local, ModuleLayer parent,
                                        List<String> problems) {
        ModuleDescriptor descriptor = reference.descriptor();
        String jar = reference.location().flatMap(PluginDiscovery::toPath).map(Path::toString)
                .orElse(descriptor.name());
        if (descriptor.isAutomatic()) {
            problems.add("plugin jar " + jar + " has no module-info.class: as an automatic module it would read"
                    + " every module of the application. Give it a module-info.java such as `module my.plugin {"
                    + " requires dev.perennial.spi; provides dev.perennial.spi.LearnerProvider with"
                    + " my.plugin.MyLearnerProvider; }`, or load the directory with PluginIsolation.CLASS_LOADER");
            return;
        }
        if (parent.findModule(descriptor.name()).isPresent()) {
            problems.add("plugin jar " + jar + " holds module " + descriptor.name() + ", which the application"
                    + " already has; remove that jar from the plugin directory (plugins share the application's copy)");
            return;
        }
        Set<String> provided = descriptor.provides().stream().map(ModuleDescriptor.Provides::service)
                .collect(Collectors.toSet());
        try (ModuleReader reader = reference.open()) {
            for (PluginKind kind : PluginKind.values()) {
                String service = kind.providerType().getName();
                if (!provided.contains(service) && reader.find("META-INF/services/" + service).isPresent()) {
                    problems.add("plugin module " + descriptor.name() + " in " + jar + " lists providers in"
                            + " META-INF/services/" + service + " but its module-info.java has no `provides "
                            + service + " with ...;`: an explicit module's services come from its descriptor"
                            + " only, so add that line");
                }
            }
        } catch (IOException e) {
            problems.add("plugin jar " + jar + " cannot be read: " + e.getMessage());
        }
        for (ModuleDescriptor.Requires requires : descriptor.requires()) {
            String name = requires.name();
            if (PluginIsolation.mayRequire(name) || local.contains(name)) {
                continue;
            }
            String hint = name.equals("dev.perennial.api")
                    ? " (plugins are built against dev.perennial.spi only; the API is for applications)" : "";
            problems.add("plugin module " + descriptor.name() + " in " + jar + " requires " + name + hint
                    + "; a plugin module may require only " + new TreeSet<>(PluginIsolation.SHARED_MODULES)
                    + ", the annotation modules " + new TreeSet<>(PluginIsolation.ANNOTATION_MODULES)
                    + ", java.* modules and modules in the same plugin directory " + local);
        }
    }

    private static List<DiscoveredProvider> classLoader(Path directory, List<Path> jars, List<String> problems) {
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                problems.add("plugin jar " + jars.get(i) + " has no usable URL: " + e.getMessage());
                return List.of();
            }
        }
        URLClassLoader loader = new URLClassLoader("perennial-plugins:" + directory.getFileName(), urls,
                PluginRegistry.class.getClassLoader());
        List<DiscoveredProvider> out = new ArrayList<>();
        for (PluginKind kind : PluginKind.values()) {
            int before = out.size();
            collect(kind, ServiceLoader.load(kind.providerType(), loader), type -> type.getClassLoader() == loader,
                    false, "plugin directory " + directory, out, problems);
            Set<String> found = out.subList(before, out.size()).stream()
                    .map(d -> d.provider().type().getName()).collect(Collectors.toSet());
            // Parent-first delegation: a provider class the application already has is loaded from the
            // application (and ServiceLoader skips class-path entries naming a class of a named module), so it
            // would silently vanish from the directory. Report it as the duplicate it is.
            for (String declared : declaredProviders(loader, kind)) {
                if (!found.contains(declared)) {
                    problems.add(kind.label() + " provider " + declared + " in plugin directory " + directory
                            + " is a class the application already has (on its class or module path), which"
                            + " wins; remove one of the copies");
                }
            }
        }
        return out;
    }

    /** The provider class names the directory's own jars list in {@code META-INF/services}. */
    private static Set<String> declaredProviders(URLClassLoader loader, PluginKind kind) {
        Set<String> names = new LinkedHashSet<>();
        try {
            Enumeration<URL> files = loader.findResources("META-INF/services/" + kind.providerType().getName());
            while (files.hasMoreElements()) {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(files.nextElement().openStream(),
                        StandardCharsets.UTF_8))) {
                    r.lines().map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty()).forEach(names::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    private static <S> void collect(PluginKind kind, ServiceLoader<S> loader, Predicate<Class<?>> keep,
                                    boolean builtIn, String where, List<DiscoveredProvider> out,
                                    List<String> problems) {
        Iterator<ServiceLoader.Provider<S>> it = loader.stream().iterator();
        while (true) {
            ServiceLoader.Provider<S> provider;
            try {
                if (!it.hasNext()) {
                    return;
                }
                provider = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                // ServiceLoader cannot go on after a broken entry (missing class, no public constructor).
                problems.add("a " + kind.label() + " provider in " + where + " cannot be loaded: " + e.getMessage());
                return;
            }
            Class<?> type = provider.type();
            if (keep.test(type)) {
                out.add(new DiscoveredProvider(kind, provider, sourceOf(type, builtIn)));
            }
        }
    }

    /** Where a provider class lives: its module and the jar (or folder) of that module or class. */
    static PluginSource sourceOf(Class<?> type, boolean builtIn) {
        Module module = type.getModule();
        if (module.isNamed()) {
            Optional<Path> location = Optional.ofNullable(module.getLayer())
                    .flatMap(l -> l.configuration().findModule(module.getName()))
                    .flatMap(m -> m.reference().location())
                    .flatMap(PluginDiscovery::toPath);
            return new PluginSource(builtIn, module.getName(), location);
        }
        CodeSource code = type.getProtectionDomain().getCodeSource();
        Optional<Path> location = Optional.empty();
        if (code != null && code.getLocation() != null) {
            try {
                location = toPath(code.getLocation().toURI());
            } catch (java.net.URISyntaxException e) {
                location = Optional.empty();
            }
        }
        return new PluginSource(builtIn, "unnamed", location);
    }

    private static Optional<Path> toPath(URI uri) {
        return "file".equals(uri.getScheme()) ? Optional.of(Path.of(uri)) : Optional.empty();
    }
}
