package dev.perennial.samples;

import dev.perennial.api.RunFolderInUseException;
import dev.perennial.api.config.ConfigException;
import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.api.engine.LibtorchCheck;
import dev.perennial.api.registry.PluginException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code perennial} command, built on picocli: {@code run}, {@code resume}, {@code plugins} ({@code list},
 * {@code check}, {@code reference}), {@code report} and {@code completion}, each with {@code --help};
 * {@code --version}; did-you-mean for mistyped commands and options.
 *
 * <p>Exit codes: {@value #OK} success, {@value #FAILED} the run failed, {@value #BAD_INPUT} bad input (usage,
 * experiment file, {@code --set}, plugin), {@value #INTERRUPTED} interrupted.
 */
@Command(name = "perennial", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Continual learning on DJL + PyTorch: run experiments, list and check plugins, re-render"
                + " reports, export runs.",
        subcommands = {RunCommand.class, ResumeCommand.class, PluginsCommand.class, ReportCommand.class,
            ExportCommand.class, SweepCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%n",
        footer = {"Exit codes: 0 ok, 1 run failed, 2 bad input, 130 interrupted.",
            "Bad input: usage, the experiment file, a --set value, a plugin or plugin folder.",
            "`perennial COMMAND --help` describes a command.",
            "Environment (bin/perennial): PERENNIAL_JAVA_OPTS (JVM options), PERENNIAL_REBUILD (1: rebuild first,"
                + " 0: never), ONEDNN_MAX_CPU_ISA (default AVX), TORCH_CPP_LOG_LEVEL (default ERROR),"
                + " PYTORCH_LIBRARY_PATH (a local libtorch folder, checked against the JNI before loading),"
                + " PERENNIAL_ALLOW_NATIVE_DOWNLOAD (1: as --allow-native-download)."})
public final class PerennialCli implements Runnable {
    /** The embedded default experiment: continual VQA with LLaCA on generated Mini-CoIN (issue #5). */
    static final String DEFAULT = "continual-vqa.yaml";

    /** Exit code: success. */
    public static final int OK = 0;
    /** Exit code: the run failed. */
    public static final int FAILED = 1;
    /** Exit code: bad input (usage, experiment file, {@code --set}, plugin). */
    public static final int BAD_INPUT = 2;
    /** Exit code: interrupted (as a shell reports SIGINT, 128 + 2). */
    public static final int INTERRUPTED = 130;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Shared by every command: {@code --verbose} anywhere on the line. */
    static final class Verbosity {
        @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
                description = "Show DJL's and libtorch's start-up warnings and stack traces of failures.")
        boolean verbose;
    }

    @CommandLine.Mixin
    Verbosity verbosity = new Verbosity();

    /**
     * {@code --allow-native-download} anywhere on the line: let DJL download a native libtorch (e.g. the CUDA build
     * for the GPU it finds) at first use. Read by {@link #run} before the engine loads; the default is offline.
     */
    static final class NativeDownload {
        @Option(names = "--allow-native-download", scope = CommandLine.ScopeType.INHERIT,
                description = "Let DJL download the libtorch that fits this machine (e.g. CUDA) at first use;"
                        + " default offline. Same: -D" + LibtorchCheck.ALLOW_DOWNLOAD_PROPERTY + "=true or "
                        + LibtorchCheck.ALLOW_DOWNLOAD_ENV + "=1.")
        boolean allow;
    }

    @CommandLine.Mixin
    NativeDownload nativeDownload = new NativeDownload();

    /** {@code -h, --help} of each subcommand ({@code --version} belongs to {@code perennial} alone). */
    static final class Help {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;
    }

    private PerennialCli() {}

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give a command: run, resume, plugins, report"
                + " or completion");
    }

    /**
     * Entry point: exits with {@value #OK}, {@value #FAILED}, {@value #BAD_INPUT} or {@value #INTERRUPTED}.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        Logging.configure(Arrays.asList(args).contains("--verbose"));
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs a command.
     *
     * @param args the command line
     * @param out standard output
     * @param err standard error
     * @return the exit status
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            boolean allow = Arrays.asList(args).contains("--allow-native-download")
                    || LibtorchCheck.nativeDownloadAllowed(name -> System.getProperty(name, System.getenv(name)));
            LibtorchCheck.applyDownloadChoice(allow, System::getenv);
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("perennial: " + e.getMessage());
            return BAD_INPUT;
        }
        return commandLine(out, err).execute(args);
    }

    /**
     * The picocli command line with this project's error handling.
     *
     * @param out standard output
     * @param err standard error
     * @return the command line
     */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new PerennialCli());
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setAbbreviatedOptionsAllowed(false);
        // Without a terminal to measure, help is laid out for 100 columns.
        cli.setUsageHelpWidth(100);
        cli.setParameterExceptionHandler(PerennialCli::badUsage);
        cli.setExecutionExceptionHandler((e, line, parsed) -> failure(e, line, parsed));
        cli.setExitCodeExceptionMapper(PerennialCli::exitCode);
        return cli;
    }

    /** Usage errors: one line, the suggestions picocli has (did you mean), and where help is. */
    private static int badUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine line = e.getCommandLine();
        PrintWriter err = line.getErr();
        err.println("perennial: " + shorten(message(e)));
        List<String> suggestions = suggestions(e);
        if (!suggestions.isEmpty()) {
            err.println("did you mean " + suggestions.stream().map(s -> "'" + s + "'")
                    .collect(Collectors.joining(" or ")) + "?");
        }
        err.println("Try '" + line.getCommandSpec().qualifiedName() + " --help'.");
        err.flush();
        return BAD_INPUT;
    }

    /** picocli's message, except for an unknown word, which is named as the command or option it was meant as. */
    private static String message(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String typed = u.getUnmatched().get(0);
            CommandLine.Model.CommandSpec spec = u.getCommandLine().getCommandSpec();
            if (typed.startsWith("-")) {
                return "unknown option '" + typed + "' of " + spec.qualifiedName();
            }
            return spec.subcommands().isEmpty() ? "unexpected argument '" + typed + "' of " + spec.qualifiedName()
                    : "unknown command '" + typed + "' of " + spec.qualifiedName() + "; commands: "
                    + String.join(", ", spec.subcommands().keySet());
        }
        return e.getMessage();
    }

    /** The commands or options nearest to a mistyped one: picocli's, else those within a small edit distance. */
    static List<String> suggestions(CommandLine.ParameterException e) {
        if (!(e instanceof CommandLine.UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>(u.getSuggestions());
        String typed = u.getUnmatched().get(0);
        String word = typed.contains("=") ? typed.substring(0, typed.indexOf('=')) : typed;
        CommandLine.Model.CommandSpec spec = u.getCommandLine().getCommandSpec();
        List<String> candidates = new ArrayList<>();
        if (word.startsWith("-")) {
            spec.options().forEach(o -> candidates.addAll(Arrays.asList(o.names())));
        } else {
            candidates.addAll(spec.subcommands().keySet());
        }
        int best = Integer.MAX_VALUE;
        List<String> nearest = new ArrayList<>();
        for (String c : candidates) {
            int d = editDistance(word, c);
            if (d < best) {
                best = d;
                nearest.clear();
            }
            if (d == best) {
                nearest.add(c);
            }
        }
        if (best <= Math.max(2, word.length() / 3)) {
            out.addAll(nearest);
        }
        return out.stream().limit(3).toList();
    }

    /** Levenshtein distance, with a swap of neighbours counting once ("rnu" is one step from "run"). */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static int failure(Exception e, CommandLine line, CommandLine.ParseResult parsed) {
        PrintWriter err = line.getErr();
        int code = exitCode(e);
        // Bad input found while the runtime is wired arrives wrapped (e.g. in Guice's ProvisionException, a
        // 20-line dump): the user needs the one line of the configuration or plugin error inside.
        Throwable shown = badInput(e).orElse(e);
        boolean verbose = parsed.hasMatchedOption("--verbose")
                || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"))
                || (parsed.subcommand() != null && parsed.subcommand().subcommand() != null
                    && parsed.subcommand().subcommand().hasMatchedOption("--verbose"));
        String message = shown.getMessage() == null ? shown.getClass().getSimpleName() : shown.getMessage();
        if (code == BAD_INPUT) {
            err.println("perennial: " + message);
        } else if (code == INTERRUPTED) {
            err.println("perennial: interrupted");
        } else if (e instanceof RunFolderInUseException) {
            err.println("perennial: " + message);
        } else {
            err.println("perennial: run failed: " + message);
        }
        if (verbose) {
            e.printStackTrace(err);
        } else if (code == FAILED && !(e instanceof RunFolderInUseException)) {
            err.println("(run with --verbose for the stack trace)");
        }
        err.flush();
        return code;
    }

    /** The exit code of an exception from a command. */
    static int exitCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException || t instanceof ClosedByInterruptException
                    || t instanceof InterruptedIOException) {
                return INTERRUPTED;
            }
        }
        if (e instanceof IllegalArgumentException || e instanceof CommandLine.ParameterException
                || badInput(e).isPresent()) {
            return BAD_INPUT;
        }
        return FAILED;
    }

    /** The configuration or plugin error in an exception's cause chain, if there is one. */
    static Optional<Throwable> badInput(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigException || t instanceof PluginException) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * A {@link PrintStream} over one of the command line's writers (for APIs that take a stream: the progress bar,
     * {@code plugins check}); in tests the writers are the captured streams, in a shell stdout and stderr.
     *
     * @param writer the writer
     * @return a stream that writes through it
     */
    static PrintStream stream(PrintWriter writer) {
        return new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writer.print(new String(b, off, len, StandardCharsets.UTF_8));
            }

            @Override
            public void flush() {
                writer.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }

    private static String shorten(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "... (" + text.length() + " characters)";
    }

    /**
     * The embedded default experiment.
     *
     * @return the experiment
     */
    static ExperimentConfig defaultExperiment() {
        return embedded(DEFAULT);
    }

    /**
     * An experiment shipped in the samples jar.
     *
     * @param name the resource name beside this class, e.g. {@code class-incremental-shapes.yaml}
     * @return the experiment
     */
    static ExperimentConfig embedded(String name) {
        return ExperimentFiles.parse(embeddedText(name), name);
    }

    /**
     * The text of an experiment shipped in the samples jar.
     *
     * @param name the resource name beside this class
     * @return the YAML
     */
    static String embeddedText(String name) {
        try (InputStream in = PerennialCli.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the samples jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the embedded experiment " + name, e);
        }
    }
}
