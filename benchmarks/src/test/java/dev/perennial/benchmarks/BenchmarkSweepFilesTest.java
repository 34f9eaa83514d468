package dev.perennial.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every sweep file under {@code benchmarks/sweeps} expands, and every point's and prepare stage's experiment binds
 * with every plugin's own configuration binder, on the benchmarks module's plugins ({@code distill-student},
 * {@code decoded-image-set}, ...): {@code perennial sweep FILE --dry-run}, which runs nothing. The files that are
 * a sweep's base or stage experiment (no {@code axes}) are checked through the sweeps that name them.
 */
class BenchmarkSweepFilesTest {
    private static final Path SWEEPS = Path.of("sweeps").toAbsolutePath();

    @TempDir
    Path out;

    /** The CLI (module dev.perennial.samples, a runtime dependency of this module), called in this JVM. */
    private static int cli(List<String> args, ByteArrayOutputStream stdout, ByteArrayOutputStream stderr)
            throws ReflectiveOperationException {
        Class<?> c = Class.forName("dev.perennial.samples.PerennialCli");
        Method run = c.getMethod("run", String[].class, PrintStream.class, PrintStream.class);
        return (int) run.invoke(null, args.toArray(new String[0]),
                new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    static List<Path> sweepFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(SWEEPS)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                if (Files.readAllLines(p).stream().anyMatch(l -> l.startsWith("axes:"))) {
                    files.add(p);
                }
            }
        }
        return files;
    }

    @Test
    void everySweepFileBindsEveryPointWithoutRunning() throws Exception {
        List<Path> files = sweepFiles();
        assertTrue(files.stream().map(f -> f.getFileName().toString()).toList().containsAll(List.of(
                "distillation-resnet18.yaml", "distillation-mobilenet-v2.yaml", "distillation-32px-resnet18.yaml",
                "safe-cifar100.yaml", "safe-cifar100-rehearsal.yaml", "safe-cifar100-small.yaml")),
                "sweep files found: " + files);
        for (Path file : files) {
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            Path folder = out.resolve(file.getFileName().toString());
            int code = cli(List.of("sweep", file.toString(), "--dry-run", "--out", folder.toString()), stdout,
                    stderr);
            String text = stdout.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, file.getFileName() + ": " + stderr.toString(StandardCharsets.UTF_8) + text);
            assertTrue(text.contains(" points, "), file.getFileName() + ": " + text);
            assertFalse(Files.exists(folder.resolve("sweep.json")), "a dry run runs nothing");
        }
    }
}
