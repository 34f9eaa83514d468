package dev.perennial.samples;

import dev.perennial.api.Perennial;
import dev.perennial.api.config.ConfigException;
import dev.perennial.samples.sweep.JavaCommand;
import dev.perennial.samples.sweep.SparkExecutor;
import dev.perennial.samples.sweep.SweepFile;
import dev.perennial.samples.sweep.SweepGrid;
import dev.perennial.samples.sweep.SweepPlanFile;
import dev.perennial.samples.sweep.SweepPoint;
import dev.perennial.samples.sweep.SweepPrepare;
import dev.perennial.samples.sweep.SweepResults;
import dev.perennial.samples.sweep.SweepRunner;
import dev.perennial.samples.sweep.report.SweepComparison;
import dev.perennial.samples.sweep.report.SweepReportPage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code perennial sweep SWEEP.yaml [--out DIR] [--parallel N] [--dry-run]}. */
@Command(name = "sweep", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Run a grid of experiments (learners x seeds x any --set path), each point in its own java"
                + " process (`perennial run`), with paired seeds; collect every report into sweep.json and sweep.csv"
                + " and print mean ± std over seeds per learner; write sweep-report.html, the comparison: 95 %% intervals,"
                + " paired tests against a baseline, mean accuracy matrices, learning curves, run and CPU time.",
            "A point whose folder already holds a finished report.json is skipped: run the sweep again to resume it."},
        footerHeading = "%n",
        footer = {"Sweep file:",
            "  base: experiment.yaml          # relative to the sweep file, or an inline experiment",
            "  axes: {learner: [finetune, lwf], seed: [1, 2], training.epochs: [1, 2]}",
            "  parallel: 2                    # runs at a time (default 1)",
            "  baseline: finetune             # the method sweep-report.html compares with (default: the first)",
            "  prepare: {teacher: {experiment: teacher.yaml, perSeed: false}}  # runs first; values name its",
            "                                 # folders as $${prepare.teacher.export} and $${prepare.teacher.dir}",
            "  labels: {distillers: [none, kd]}  # names of an axis's values in the comparison",
            "  # a seed may bring settings: seed: [{value: 1, set: {scenario.config.classOrderSeed: 3}}]",
            "Examples:",
            "  perennial sweep sweep.yaml",
            "  perennial sweep sweep.yaml --out sweeps/today --parallel 4",
            "Exit codes: 0 ok, 1 a point failed, 2 bad input, 130 interrupted."})
final class SweepCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    PerennialCli.Help help;

    @Parameters(index = "0", paramLabel = "SWEEP", description = "The sweep file (.yaml, .yml or .json).")
    Path file;

    @Option(names = "--out", paramLabel = "DIR",
            description = "The sweep's folder (point folders, sweep.json, sweep.csv); default: the file's"
                    + " directory field, else sweeps/NAME.")
    Path out;

    @Option(names = "--parallel", paramLabel = "N", description = "Runs at a time (overrides the file's parallel).")
    Integer parallel;

    @Option(names = "--dry-run", description = "List the points and their --set arguments; run nothing.")
    boolean dryRun;

    @Option(names = "--executor", paramLabel = "local|spark", defaultValue = "local",
            description = "local (default): this process starts the points; spark: an Apache Spark job does,"
                    + " embedded local[N] (bin/perennial-spark; docs/sweeps.md for spark-submit).")
    String executor;

    @Option(names = "--write-plan", paramLabel = "FILE",
            description = "Write the checked grid as the Spark job's plan (JSON) and run nothing but the sweep's"
                    + " prepare stage (when it has one and it has not finished).")
    Path writePlan;

    @Option(names = "--baseline", paramLabel = "METHOD",
            description = "The method sweep-report.html tests the others against (overrides the file's baseline;"
                    + " default: the first learner).")
    String baseline;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (parallel != null && (parallel < 1 || parallel > 256)) {
            throw new ConfigException("--parallel must be 1-256, was " + parallel);
        }
        if (!executor.equals("local") && !executor.equals("spark")) {
            throw new ConfigException("--executor must be local or spark, was '" + executor + "'");
        }
        SweepFile sweep = SweepFile.read(file);
        Path folder = sweep.outputDirectory(out);
        List<SweepPoint> points = SweepGrid.expand(sweep, folder);
        List<SweepPrepare.Run> stages = SweepPrepare.runs(sweep, points, folder);
        for (SweepPoint p : points) {
            if (p.config().compare() != null) {
                // A compare run writes one folder per learner under a comparison folder; a point is one run.
                throw new ConfigException(file.getFileName() + ": point " + p.name() + ": the base experiment has a"
                        + " compare section, which runs several learners in one run and cannot be a sweep point; add"
                        + " the axis 'compare: [null]' and put the learners on the learner axis (with seeds: paired"
                        + " they train the same shared tasks from the same start)");
            }
        }
        SweepComparison.checkBaseline(sweep, points, baseline);
        Set<String> dirs = new LinkedHashSet<>();
        points.forEach(p -> dirs.addAll(p.config().pluginDirectories()));
        stages.forEach(r -> dirs.addAll(r.point().config().pluginDirectories()));
        if (!dryRun) {
            SweepPrepare.createFolders(stages, folder); // so that a value naming a stage's folder names a folder
        } else {
            // a dry run writes nothing: plugin folders inside stage folders not made yet are not looked at
            dirs.removeIf(d -> !Files.isDirectory(Path.of(d)) && stages.stream().anyMatch(r -> Path.of(d)
                    .toAbsolutePath().normalize().startsWith(SweepPrepare.folder(folder, r.stage(),
                            r.point().seed()))));
        }
        Logging.loadEngineQuietly();
        var registry = Perennial.plugins(dirs.stream().map(Path::of).toList());
        SweepGrid.checkPlugins(stages.stream().map(SweepPrepare.Run::point).toList(), registry,
                file.getFileName().toString() + ": prepare");
        SweepGrid.checkPlugins(points, registry, file.getFileName().toString());
        PrintWriter o = spec.commandLine().getOut();
        int atOnce = parallel != null ? parallel : sweep.parallel();
        o.println("sweep " + sweep.name() + ": " + points.size() + " points, " + atOnce + " at a time, seeds "
                + sweep.seeds() + ", in " + folder.toAbsolutePath());
        if (dryRun) {
            for (SweepPrepare.Run r : stages) {
                o.println("  prepare " + r.point().name() + "  --set " + String.join(" --set ",
                        r.point().overrides()));
            }
            for (SweepPoint p : points) {
                o.println("  " + p.name() + "  --set " + String.join(" --set ", p.overrides()));
            }
            o.flush();
            return PerennialCli.OK;
        }
        Path base = baseFile(sweep, folder);
        o.flush();
        if (!stages.isEmpty()) {
            // Before the grid, on this machine (with --executor spark or --write-plan: the driver, before the job).
            java.util.Optional<String> failed = SweepPrepare.run(sweep, stages, folder, atOnce, JavaCommand.current(),
                    line -> {
                        synchronized (o) {
                            o.println("  " + line);
                            o.flush();
                        }
                    });
            if (failed.isPresent()) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("perennial: " + failed.get());
                err.flush();
                return PerennialCli.FAILED;
            }
        }
        if (writePlan != null || executor.equals("spark")) {
            Path plan = writePlan != null ? writePlan : folder.resolve("plan.json");
            SweepPlanFile.write(sweep, points, base, folder, atOnce, JavaCommand.current(), plan);
            if (writePlan != null) {
                o.println("wrote " + plan);
                o.flush();
                return PerennialCli.OK;
            }
            int code = SparkExecutor.run(plan, folder, atOnce, null);
            // The Spark job wrote its tables; the comparison page reads the same point folders the local runner would.
            List<SweepRunner.Outcome> outcomes = new ArrayList<>();
            for (SweepPoint p : points) {
                Path dir = folder.resolve(p.name());
                outcomes.add(SweepRunner.finished(p, dir).orElse(new SweepRunner.Outcome(p, SweepRunner.Status.FAILED,
                        dir, null, "no finished run in " + dir + " (the Spark job's runs.csv says why)")));
            }
            SweepResults.write(sweep, outcomes, folder);
            o.println("comparison: " + SweepReportPage.write(SweepComparison.of(sweep, outcomes, baseline), folder));
            o.flush();
            return code;
        }
        List<SweepRunner.Outcome> outcomes = SweepRunner.run(points, folder, atOnce,
                SweepRunner.cli(JavaCommand.current(), base), line -> {
                    synchronized (o) {
                        o.println("  " + line);
                        o.flush();
                    }
                });
        SweepResults.write(sweep, outcomes, folder);
        o.println();
        o.print(SweepResults.table(outcomes));
        o.println("wrote " + folder.resolve("sweep.json") + " and " + folder.resolve("sweep.csv"));
        o.println("comparison: " + SweepReportPage.write(SweepComparison.of(sweep, outcomes, baseline), folder));
        long failed = outcomes.stream().filter(x -> x.status() == SweepRunner.Status.FAILED).count();
        o.flush();
        if (failed > 0) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("perennial: " + failed + " of " + points.size() + " points failed (their log.txt says why);"
                    + " run the sweep again to retry them");
            err.flush();
            return PerennialCli.FAILED;
        }
        return PerennialCli.OK;
    }

    /** The base experiment file the points run: the sweep's own, or the inline one written as OUT/base.json. */
    private static Path baseFile(SweepFile sweep, Path folder) {
        if (sweep.baseFile() != null) {
            return sweep.baseFile();
        }
        try {
            Files.createDirectories(folder);
            Path f = folder.resolve("base.json");
            Files.writeString(f, sweep.baseInline().toPrettyString());
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + folder.resolve("base.json"), e);
        }
    }
}
