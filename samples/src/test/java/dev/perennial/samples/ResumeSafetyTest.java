package dev.perennial.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.api.Perennial;
import dev.perennial.api.RunFolderInUseException;
import dev.perennial.api.RunReport;
import dev.perennial.api.events.RunListener;
import dev.perennial.api.events.RunStarted;
import dev.perennial.spi.TaskInfo;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resume as a user meets it through the CLI and the API (issue 16): a corrupt newest checkpoint is passed over with
 * a warning, a finished run is left as it was, and a run folder in use is refused.
 */
class ResumeSafetyTest {

    private static Perennial.Builder tiny(Path runs) {
        return Perennial.builder()
                .name("resume-safety")
                .seed(3)
                .dataset("generated-shapes", Map.of("classes", 4, "trainPerClass", 16, "testPerClass", 8, "size", 16))
                .scenario("class-incremental", Map.of("increment", 2))
                .learner("finetune", Map.of("backbone", Map.of("channels", 4, "featureDim", 16)))
                .training(Map.of("epochs", 2, "batchSize", 8, "dataWorkers", 1))
                .runDirectory(runs);
    }

    private static Path onlyRun(Path runs) throws Exception {
        try (Stream<Path> s = Files.list(runs)) {
            return s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    private static RunListener crashAfter(String tag) {
        return new RunListener() {
            @Override
            public void onCheckpoint(Path directory) {
                if (directory.getFileName().toString().equals(tag)) {
                    throw new IllegalStateException("simulated crash after " + tag);
                }
            }
        };
    }

    @Test
    void resumingAFinishedRunSaysSoAndLeavesTheReportsUntouched(@TempDir Path tmp) throws Exception {
        RunReport done = tiny(tmp).build().run();
        Path run = Path.of(done.runDirectory());
        Path json = run.resolve("report.json");
        Path html = run.resolve("report.html");
        byte[] jsonBefore = Files.readAllBytes(json);
        byte[] htmlBefore = Files.readAllBytes(html);
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(json, old);
        Files.setLastModifiedTime(html, old);

        PluginCheckTest.Result r = PluginCheckTest.cli("resume", run.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.err().contains("finished already"), r.err());
        assertArrayEquals(jsonBefore, Files.readAllBytes(json), "report.json is left as it was");
        assertArrayEquals(htmlBefore, Files.readAllBytes(html), "report.html is left as it was");
        assertEquals(old, Files.getLastModifiedTime(json));
        assertEquals(old, Files.getLastModifiedTime(html));

        List<RunStarted> starts = new ArrayList<>();
        RunReport again = Perennial.resume(run, new RunListener() {
            @Override
            public void onRunStart(RunStarted e) {
                starts.add(e);
            }
        });
        assertTrue(starts.get(0).finishedAlready());
        assertEquals(done.timings(), again.timings(), "the report is the finished run's, timings included");
        for (int i = 0; i < done.accuracyMatrix().length; i++) {
            assertArrayEquals(done.accuracyMatrix()[i], again.accuracyMatrix()[i], 0.0);
        }
    }

    @Test
    void aCorruptNewestCheckpointIsPassedOverWithAWarning(@TempDir Path tmp) throws Exception {
        RunReport uninterrupted = tiny(tmp.resolve("a")).checkpointEverySteps(3).build().run();
        Path runs = tmp.resolve("b");
        assertThrows(IllegalStateException.class,
                () -> tiny(runs).checkpointEverySteps(3).build().run(crashAfter("step-9")));
        Path run = onlyRun(runs);
        Path model = run.resolve("checkpoints/step-9/model.safetensors");
        byte[] bytes = Files.readAllBytes(model);
        for (int i = 0; i < 4000 && i < bytes.length / 2; i++) {
            bytes[bytes.length - 1 - i] ^= (byte) 0x5a;
        }
        Files.write(model, bytes);

        PluginCheckTest.Result r = PluginCheckTest.cli("resume", run.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.err().contains("warning") && r.err().contains(model.toString())
                && r.err().contains("checksum"), r.err());
        RunReport resumed = Perennial.resume(run);
        for (int i = 0; i < uninterrupted.accuracyMatrix().length; i++) {
            assertArrayEquals(uninterrupted.accuracyMatrix()[i], resumed.accuracyMatrix()[i], 0.0, "row " + i);
        }
        assertEquals(uninterrupted.lossCurves(), resumed.lossCurves());
    }

    @Test
    void aSecondResumeWhileTheRunIsRunningIsRefused(@TempDir Path tmp) throws Exception {
        List<RuntimeException> refused = new ArrayList<>();
        RunReport done = tiny(tmp).build().run(new RunListener() {
            @Override
            public void onTaskStart(TaskInfo task, long steps) {
                if (task.index() == 1) {
                    try {
                        Perennial.resume(onlyRun(tmp));
                    } catch (RuntimeException e) {
                        refused.add(e);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        });
        assertEquals(1, refused.size());
        RuntimeException e = refused.get(0);
        assertTrue(e instanceof RunFolderInUseException, e.toString());
        assertTrue(e.getMessage().contains("in use") && e.getMessage().contains(done.runDirectory()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void aLockHeldByAnotherProcessRefusesAndALockFileLeftByAKilledOneDoesNot(@TempDir Path tmp) throws Exception {
        assertThrows(IllegalStateException.class, () -> tiny(tmp.resolve("runs")).build().run(crashAfter("task-0")));
        Path run = onlyRun(tmp.resolve("runs"));
        Path holder = tmp.resolve("HoldLock.java");
        Files.writeString(holder, """
                import java.nio.channels.FileChannel;
                import java.nio.file.Path;
                import java.nio.file.StandardOpenOption;
                public class HoldLock {
                    public static void main(String[] a) throws Exception {
                        FileChannel c = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE);
                        c.write(java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid()).getBytes()));
                        c.lock();
                        System.out.println("locked");
                        System.out.flush();
                        Thread.sleep(120_000);
                    }
                }
                """);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, holder.toString(), run.resolve(".lock").toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine());
            PluginCheckTest.Result r = PluginCheckTest.cli("resume", run.toString());
            assertEquals(1, r.status(), r.out() + r.err());
            assertTrue(r.err().contains("is in use by pid " + p.pid()), r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(Files.exists(run.resolve(".lock")), "the killed holder left its lock file");
        RunReport resumed = Perennial.resume(run);
        assertEquals(2, resumed.accuracyMatrix().length);
    }
}
