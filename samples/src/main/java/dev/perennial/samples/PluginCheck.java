package dev.perennial.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.api.config.ConfigException;
import dev.perennial.api.registry.PluginDescriptor;
import dev.perennial.api.registry.PluginException;
import dev.perennial.api.registry.PluginIsolation;
import dev.perennial.api.registry.PluginRegistry;
import dev.perennial.api.report.ConfigField;
import dev.perennial.spi.Capability;
import dev.perennial.spi.PluginKind;
import dev.perennial.spi.PluginProvider;
import dev.perennial.spi.SpiVersion;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code perennial plugins check JAR|DIR}: loads a plugin jar (or a directory of them) the way a run loads a
 * plugin directory, and reports, per plugin, what would go wrong or confuse its users:
 * <ul>
 *   <li>loading: module descriptor (the rule of {@link PluginIsolation}: the SPI, models, DJL, Gson, Jackson's
 *       annotations, {@code java.*} and modules of the same directory may be required), services,
 *       duplicate or malformed names (the registry's own checks, so the messages are the ones a run prints);</li>
 *   <li>identity: {@code name()} equals {@code @PluginName}, {@code kind()} matches the provider interface, the SPI
 *       version is compatible with this runtime, a version and a description are given;</li>
 *   <li>configuration: {@code defaultConfig()} works; every record component has a {@link dev.perennial.spi.ConfigDoc}
 *       and a non-null default; the defaults bind (Jackson can reach the record), survive binding unchanged, and an
 *       unknown field is refused;</li>
 *   <li>capabilities: well-formed ids of groups the runtime knows; learners and augmenters say which scenarios
 *       they support;</li>
 *   <li>the class-path fallback: the same jar also loads through {@code META-INF/services}.</li>
 * </ul>
 * Problems make the command exit with 1; warnings alone do not.
 */
final class PluginCheck {

    /** How bad a finding is. */
    enum Level { OK, WARNING, PROBLEM }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+(\\.\\d+)?([-+.][0-9A-Za-z.+-]+)?");

    private final PrintStream out;
    /** The temporary copy's path and the path the user gave, so messages name the user's jar. */
    private String copied = null;
    private String original = null;
    private int problems;
    private int warnings;

    private PluginCheck(PrintStream out) {
        this.out = out;
    }

    /**
     * Checks a plugin jar or a directory of plugin jars and prints the findings.
     *
     * @param target a {@code .jar} file or a folder of jars
     * @param out where the findings go
     * @return 0 when nothing is wrong (warnings allowed), 1 when something is
     * @throws IllegalArgumentException when the target is neither a jar nor a folder
     */
    static int run(Path target, PrintStream out) {
        Path absolute = target.toAbsolutePath().normalize();
        boolean jar = Files.isRegularFile(absolute) && absolute.getFileName().toString().endsWith(".jar");
        if (!jar && !Files.isDirectory(absolute)) {
            throw new IllegalArgumentException("plugins check: " + target + (Files.exists(absolute)
                    ? " is neither a .jar file nor a directory" : " does not exist")
                    + "; give a plugin jar or a plugin directory");
        }
        PluginCheck check = new PluginCheck(out);
        if (!jar) {
            return check.checkDirectory(absolute, absolute);
        }
        // A run loads directories, so the jar gets one of its own: checked alone, as its users will install it.
        Path directory = null;
        try {
            directory = Files.createTempDirectory("perennial-plugin-check-");
            Path copy = Files.copy(absolute, directory.resolve(absolute.getFileName()));
            check.copied = copy.toString();
            check.original = absolute.toString();
            return check.checkDirectory(directory, absolute);
        } catch (IOException e) {
            throw new UncheckedIOException("plugins check: cannot copy " + absolute + " to a temporary folder", e);
        } finally {
            deleteQuietly(directory);
        }
    }

    private int checkDirectory(Path directory, Path shown) {
        boolean moduleLayer = PluginProvider.class.getModule().isNamed();
        out.printf(Locale.ROOT, "checking %s (loaded %s, as a run loads a plugin directory)%n", shown,
                moduleLayer ? "into its own module layer" : "through its own class loader");
        try (Stream<Path> files = Files.list(directory)) {
            if (files.noneMatch(p -> p.getFileName().toString().endsWith(".jar"))) {
                report(Level.PROBLEM, directory + " holds no .jar file");
                return summary(0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("plugins check: cannot list " + directory, e);
        }
        PluginRegistry builtIn = PluginRegistry.load(List.of());
        PluginRegistry registry;
        try {
            registry = PluginRegistry.load(List.of(directory));
        } catch (PluginException e) {
            for (String line : e.getMessage().split("\n")) {
                if (!line.isBlank() && !line.matches("\\d+ plugin problems:")) {
                    report(Level.PROBLEM, line.replaceFirst("^ - ", ""));
                }
            }
            return summary(0);
        }
        List<String> found = new ArrayList<>();
        int checked = 0;
        for (PluginKind kind : PluginKind.values()) {
            for (String name : registry.names(kind)) {
                if (!builtIn.contains(kind, name)) {
                    checkPlugin(registry, kind, name);
                    found.add(kind.label() + " " + name);
                    checked++;
                }
            }
        }
        if (checked == 0) {
            report(Level.PROBLEM, "no plugin provider found: declare each provider with `provides"
                    + " dev.perennial.spi.LearnerProvider with my.plugin.MyProvider;` (or the interface of its kind) in"
                    + " module-info.java, and list it in META-INF/services/dev.perennial.spi.LearnerProvider");
        } else if (moduleLayer) {
            checkClassPathFallback(directory, builtIn, found);
        }
        return summary(checked);
    }

    private void checkPlugin(PluginRegistry registry, PluginKind kind, String name) {
        PluginDescriptor d;
        try {
            d = registry.describe(kind, name);
        } catch (PluginException e) {
            out.printf(Locale.ROOT, "%s '%s'%n", kind.label(), name);
            report(Level.PROBLEM, e.getMessage());
            return;
        }
        out.printf(Locale.ROOT, "%s '%s' %s from %s%n", kind.label(), name, d.version(),
                shown(d.source().toString()));
        PluginProvider<?, ?> provider = registry.provider(kind, name);
        report(Level.OK, "name '" + name + "' (matches @PluginName), kind " + kind.label() + ", provider "
                + provider.getClass().getName());
        report(Level.OK, "SPI " + d.spiVersion() + " is compatible with this runtime's SPI " + SpiVersion.CURRENT);
        if (!VERSION.matcher(d.version()).matches()) {
            report(Level.WARNING, "version '" + d.version() + "' is not MAJOR.MINOR[.PATCH]: checkpoints and reports"
                    + " record it, so use a semantic version such as 1.0.0");
        }
        if (d.description().isBlank()) {
            report(Level.WARNING, "description() is empty: `perennial plugins` and the configuration reference"
                    + " show one sentence from it");
        }
        checkConfig(registry, kind, name, d, provider);
        checkCapabilities(kind, d.capabilities());
    }

    private void checkConfig(PluginRegistry registry, PluginKind kind, String name, PluginDescriptor d,
                             PluginProvider<?, ?> provider) {
        String record = d.configType().getSimpleName();
        Record defaults;
        try {
            defaults = provider.defaultConfig();
        } catch (RuntimeException | LinkageError e) {
            report(Level.PROBLEM, "defaultConfig() throws " + e + "; it must return the record with every default");
            return;
        }
        if (defaults == null) {
            report(Level.PROBLEM, "defaultConfig() returns null; return a " + record + " holding every field's default");
            return;
        }
        List<ConfigField> fields;
        try {
            fields = ConfigField.of(d.configType(), defaults, Set.of());
        } catch (IllegalArgumentException e) {
            report(Level.PROBLEM, "config " + record + ": " + e.getMessage());
            return;
        }
        int before = problems;
        for (ConfigField f : fields) {
            if (!f.documented()) {
                report(Level.PROBLEM, "config " + record + ": field '" + f.name() + "' has no @ConfigDoc; annotate the"
                        + " record component with @ConfigDoc(\"what it means, its unit and accepted range\")");
            }
            if (!f.hasDefault()) {
                report(Level.PROBLEM, "config " + record + ": field '" + f.name() + "' has no default (defaultConfig()"
                        + " leaves it null); give it a value that works, or an empty one the plugin checks in create()");
            }
        }
        Record bound;
        try {
            bound = registry.bindConfig(kind, name, null, "plugins check: " + kind.label() + " '" + name + "'");
        } catch (ConfigException | PluginException e) {
            report(Level.PROBLEM, "the defaults do not bind: " + e.getMessage());
            return;
        }
        JsonNode given = JSON.valueToTree(defaults);
        JsonNode after = JSON.valueToTree(bound);
        if (!given.equals(after)) {
            report(Level.PROBLEM, "config " + record + ": the defaults change when bound (" + given + " became "
                    + after + "); the compact constructor must keep valid values as they are");
        }
        try {
            registry.bindConfig(kind, name, JSON.createObjectNode().put("perennialCheckUnknownField", 1),
                    "plugins check");
            report(Level.PROBLEM, "config " + record + " accepts an unknown field; remove @JsonIgnoreProperties or"
                    + " @JsonAnySetter so that a misspelt field in an experiment is an error");
        } catch (ConfigException e) {
            // expected: strict binding refuses unknown fields
        }
        if (problems == before) {
            report(Level.OK, "config " + record + ": " + fields.size() + (fields.size() == 1 ? " field" : " fields")
                    + ", each documented and with a default; the defaults bind and unknown fields are refused");
        }
    }

    private void checkCapabilities(PluginKind kind, Set<Capability> capabilities) {
        Set<String> knownGroups = new TreeSet<>();
        for (Capability c : wellKnownCapabilities()) {
            knownGroups.add(group(c));
        }
        for (Capability c : capabilities) {
            if (!knownGroups.contains(group(c))) {
                report(Level.WARNING, "capability '" + c + "' is in no group the runtime knows " + knownGroups
                        + "; it is shown but never checked");
            }
        }
        boolean needsScenario = kind == PluginKind.LEARNER || kind == PluginKind.AUGMENTER;
        if (needsScenario && capabilities.stream().noneMatch(c -> group(c).equals("scenario"))) {
            report(Level.WARNING, "declares no scenario capability: say which scenarios it supports, e.g."
                    + " Capability.CLASS_INCREMENTAL or Capability.INSTRUCTION");
        }
        report(Level.OK, "capabilities: " + (capabilities.isEmpty() ? "none" : capabilities.stream()
                .map(Capability::id).sorted().collect(Collectors.joining(", "))));
    }

    /** The jar should also work for applications on the class path, through {@code META-INF/services}. */
    private void checkClassPathFallback(Path directory, PluginRegistry builtIn, List<String> found) {
        PluginRegistry classPath;
        try {
            classPath = PluginRegistry.load(List.of(directory), PluginIsolation.CLASS_LOADER);
        } catch (PluginException e) {
            report(Level.WARNING, "on the class-path fallback the jar does not load: " + e.getMessage());
            return;
        }
        List<String> missing = new ArrayList<>();
        for (String entry : found) {
            String[] parts = entry.split(" ", 2);
            PluginKind kind = kindOf(parts[0]);
            if (!classPath.contains(kind, parts[1]) || builtIn.contains(kind, parts[1])) {
                missing.add(entry + " (list it in META-INF/services/" + kind.providerType().getName() + ")");
            }
        }
        if (missing.isEmpty()) {
            out.printf(Locale.ROOT, "class-path fallback%n");
            report(Level.OK, "the same jar loads through META-INF/services for applications on the class path");
        } else {
            out.printf(Locale.ROOT, "class-path fallback%n");
            report(Level.WARNING, "applications on the class path will not find " + String.join(", ", missing));
        }
    }

    private static PluginKind kindOf(String label) {
        for (PluginKind k : PluginKind.values()) {
            if (k.label().equals(label)) {
                return k;
            }
        }
        throw new IllegalStateException("no plugin kind labelled " + label);
    }

    private static String group(Capability c) {
        int colon = c.id().indexOf(':');
        return colon < 0 ? c.id() : c.id().substring(0, colon);
    }

    /** The capability constants the SPI defines (the groups the runtime knows). */
    private static List<Capability> wellKnownCapabilities() {
        List<Capability> out = new ArrayList<>();
        for (Field f : Capability.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == Capability.class) {
                try {
                    out.add((Capability) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot read " + f, e);
                }
            }
        }
        return out;
    }

    private void report(Level level, String message) {
        switch (level) {
            case PROBLEM -> problems++;
            case WARNING -> warnings++;
            default -> { }
        }
        String tag = switch (level) {
            case OK -> "ok     ";
            case WARNING -> "warning";
            case PROBLEM -> "PROBLEM";
        };
        out.printf(Locale.ROOT, "  %s %s%n", tag, shown(message).replace("\n", "\n          "));
    }

    private String shown(String text) {
        return copied == null ? text : text.replace(copied, original);
    }

    private int summary(int checked) {
        out.printf(Locale.ROOT, "%d plugin%s checked: %s, %d warning%s%n", checked, checked == 1 ? "" : "s",
                problems == 0 ? "no problems" : problems + (problems == 1 ? " problem" : " problems"), warnings,
                warnings == 1 ? "" : "s");
        return problems == 0 ? 0 : 1;
    }

    private static void deleteQuietly(Path directory) {
        if (directory == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a leftover temporary copy is harmless; the check's result stands
                }
            });
        } catch (IOException e) {
            // as above
        }
    }
}
