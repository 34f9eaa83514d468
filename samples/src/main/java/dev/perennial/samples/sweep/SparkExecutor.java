package dev.perennial.samples.sweep;

import dev.perennial.api.config.ConfigException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code perennial sweep --executor spark}: the grid, expanded and checked here, goes to the Spark job
 * ({@code bin/perennial-spark}, module {@code sweep-spark}, a class-path JVM with Spark and without the SDK) as a plan
 * file; the job runs every point as this CLI's {@code run} in its own process.
 */
public final class SparkExecutor {
    private SparkExecutor() {}

    /**
     * The {@code bin/perennial-spark} script: {@code $PERENNIAL_HOME/bin}, else the {@code bin} folder of the
     * project this CLI was built in.
     *
     * @return the script
     * @throws ConfigException when there is none
     */
    public static Path script() {
        String home = System.getenv("PERENNIAL_HOME");
        List<Path> tried = new ArrayList<>();
        if (home != null && !home.isEmpty()) {
            tried.add(Path.of(home, "bin", "perennial-spark"));
        }
        try {
            // samples/target/perennial-samples-*.jar or samples/target/classes
            Path code = Path.of(SparkExecutor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = code.getParent() == null ? null : code.getParent().getParent();
            if (root != null && root.getParent() != null) {
                tried.add(root.getParent().resolve("bin").resolve("perennial-spark"));
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // no code source: only PERENNIAL_HOME
        }
        for (Path p : tried) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new ConfigException("--executor spark: no bin/perennial-spark (looked at " + tried + "); set"
                + " PERENNIAL_HOME to the project's folder");
    }

    /**
     * Runs the Spark job on a written plan, its output on this process's.
     *
     * @param plan the plan file
     * @param folder the sweep's folder
     * @param parallel the embedded master's N
     * @param baseline the learner to pair against, or null
     * @return the job's exit code
     * @throws InterruptedException when interrupted; the job is stopped
     */
    public static int run(Path plan, Path folder, int parallel, String baseline) throws InterruptedException {
        List<String> c = new ArrayList<>(List.of(script().toString(), "--plan", plan.toAbsolutePath().toString(),
                "--out", folder.toAbsolutePath().toString(), "--parallel", Integer.toString(parallel)));
        if (baseline != null) {
            c.addAll(List.of("--baseline", baseline));
        }
        Process p;
        try {
            p = new ProcessBuilder(c).inheritIO().start();
        } catch (IOException e) {
            throw new ConfigException("--executor spark: cannot start " + c.get(0) + ": " + e.getMessage(), e);
        }
        Thread stop = new Thread(p::destroy, "sweep-spark-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException e) {
                // already shutting down: the hook stops the job
            }
        }
    }
}
