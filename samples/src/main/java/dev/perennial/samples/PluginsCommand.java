package dev.perennial.samples;

import dev.perennial.api.Perennial;
import dev.perennial.api.registry.PluginDescriptor;
import dev.perennial.api.registry.PluginException;
import dev.perennial.api.registry.PluginRegistry;
import dev.perennial.api.report.ConfigurationReference;
import dev.perennial.spi.PluginKind;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code perennial plugins [list|check|reference]}. */
@Command(name = "plugins", sortOptions = false, usageHelpAutoWidth = true,
        description = {"List the plugins a run can use: every kind, each plugin's version and one-line description"
                + " (the same as `plugins list`)."},
        subcommands = {PluginsCommand.ListCommand.class, PluginsCommand.CheckCommand.class,
            PluginsCommand.ReferenceCommand.class},
        footerHeading = "%n",
        footer = {"Exit codes: 0 ok, 1 a plugin is broken, 2 bad input (e.g. a plugin folder that does not exist)."})
final class PluginsCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    PerennialCli.Help help;

    /** The width of a terminal the plain listing fits. */
    static final int WIDTH = 100;

    /** {@code --plugin-dir}, shared by the listing commands. */
    static final class PluginDirectories {
        @Option(names = "--plugin-dir", paramLabel = "DIR",
                description = "Also load the plugin jars of this folder (repeatable; relative to the current folder).")
        List<Path> directories = new ArrayList<>();
    }

    @Mixin
    PluginDirectories plugins;

    @Option(names = "--wide", description = "Also show SPI version, capabilities and where each plugin comes from;"
            + " descriptions are not cut.")
    boolean wide;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return list(Perennial.plugins(plugins.directories), wide, spec.commandLine().getOut());
    }

    /**
     * Prints every kind and its plugins.
     *
     * @param registry the plugins
     * @param wide true for every detail, false to fit {@value #WIDTH} columns
     * @param out where to print
     * @return 0, or 1 when a plugin cannot be described
     */
    static int list(PluginRegistry registry, boolean wide, PrintWriter out) {
        int broken = 0;
        for (PluginKind kind : PluginKind.values()) {
            out.printf(Locale.ROOT, "%s (%d)%n", plural(kind), registry.names(kind).size());
            // One provider at a time: a plugin whose constructor throws (or that is invalid) is listed with its
            // error, and the others are still shown.
            for (String name : registry.names(kind)) {
                PluginDescriptor d;
                try {
                    d = registry.describe(kind, name);
                } catch (PluginException e) {
                    broken++;
                    // Never cut: the error is what the user needs to read.
                    out.println("  " + pad(name, 22) + " BROKEN: " + e.getMessage().lines().findFirst().orElse(""));
                    continue;
                }
                String description = d.description().isBlank() ? "(no description)" : d.description().strip();
                if (wide) {
                    out.printf(Locale.ROOT, "  %s %-8s spi %-4s %s%n      capabilities: %s%n      from: %s%n",
                            pad(d.name(), 22), d.version(), d.spiVersion(), description,
                            d.capabilities().isEmpty() ? "none" : d.capabilities().stream().map(Object::toString)
                                    .sorted().collect(Collectors.joining(", ")), d.source());
                } else {
                    out.println(fit("  " + pad(d.name(), 22) + " " + pad(d.version(), 7) + " "
                            + firstSentence(description), false));
                }
            }
        }
        if (broken > 0) {
            out.printf(Locale.ROOT, "%d plugin%s cannot be used; `perennial plugins check JAR` says more%n", broken,
                    broken == 1 ? "" : "s");
        }
        out.flush();
        return broken > 0 ? 1 : 0;
    }

    private static String plural(PluginKind kind) {
        return switch (kind) {
            case DATASET_SOURCE -> "dataset sources";
            default -> kind.label() + "s";
        };
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    /** The first sentence: up to the first ". " (a period in "e.g." or "0.5" does not end it). */
    static String firstSentence(String text) {
        int at = text.indexOf(". ");
        while (at > 0 && (text.startsWith("e.g", at - 3) || text.startsWith("i.e", at - 3)
                || text.startsWith("et al", at - 5) || text.startsWith("vs", at - 2))) {
            at = text.indexOf(". ", at + 2);
        }
        return at < 0 ? text : text.substring(0, at + 1);
    }

    /** Cuts a line to {@value #WIDTH} columns, ending it with "..." when it was longer. */
    static String fit(String line, boolean wide) {
        return wide || line.length() <= WIDTH ? line : line.substring(0, WIDTH - 3) + "...";
    }

    /** {@code perennial plugins list}. */
    @Command(name = "list", usageHelpAutoWidth = true,
            description = "List every plugin kind and its plugins, fitting 100 columns (--wide for every detail).")
    static final class ListCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    PerennialCli.Help help;

        @Mixin
        PluginDirectories plugins;

        @Option(names = "--wide", description = "Also show SPI version, capabilities and where each plugin comes"
                + " from; descriptions are not cut.")
        boolean wide;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return list(Perennial.plugins(plugins.directories), wide, spec.commandLine().getOut());
        }
    }

    /** {@code perennial plugins check JAR|DIR}. */
    @Command(name = "check", usageHelpAutoWidth = true,
            description = {"Load a plugin jar (or a folder of jars) as a run loads a plugin folder and report what"
                    + " is wrong with it: module descriptor, names, SPI version, configuration record, capabilities,"
                    + " the class-path fallback."},
            footerHeading = "%n",
            footer = "Exit codes: 0 no problems (warnings allowed), 1 problems found, 2 not a jar or folder.")
    static final class CheckCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    PerennialCli.Help help;

        @Parameters(index = "0", paramLabel = "JAR|DIR", description = "A plugin jar or a folder of plugin jars.")
        Path target;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintStream stream = PerennialCli.stream(out);
            int status = PluginCheck.run(target, stream);
            stream.flush();
            return status;
        }
    }

    /** {@code perennial plugins reference}. */
    @Command(name = "reference", usageHelpAutoWidth = true,
            description = "Print the configuration reference (Markdown): every plugin's fields, types, defaults and"
                    + " documentation.")
    static final class ReferenceCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    PerennialCli.Help help;

        @Mixin
        PluginDirectories plugins;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PluginRegistry registry = Perennial.plugins(plugins.directories);
            spec.commandLine().getOut().print(ConfigurationReference.markdown(registry, "perennial plugins reference"
                    + plugins.directories.stream().map(d -> " --plugin-dir " + d).collect(Collectors.joining())));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
