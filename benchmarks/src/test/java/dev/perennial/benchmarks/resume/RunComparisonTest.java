package dev.perennial.benchmarks.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kill-and-resume comparison: what counts as bit-identical, and the first difference it names. */
class RunComparisonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String step(long g, double loss, boolean skipped, long time) {
        return "{\"event\":\"step\",\"time\":" + time + ",\"task\":0,\"epoch\":0,\"taskStep\":" + g + ",\"globalStep\":"
                + g + ",\"loss\":" + loss + ",\"lr\":0.05,\"samplesPerSecond\":" + (time % 97) + ",\"skipped\":"
                + skipped + ",\"terms\":{\"ce\":" + loss + "}}\n";
    }

    private static final String REFERENCE = "{\"event\":\"run-start\",\"time\":1}\n" + step(1, 0.5, false, 2)
            + step(2, 0.25, false, 3) + step(3, 0.125, false, 4)
            + "{\"event\":\"evaluation\",\"time\":5,\"task\":0,\"metric\":\"accuracy\",\"scores\":[0.75]}\n"
            + "{\"event\":\"run-end\",\"time\":6,\"summary\":{\"lastAccuracy\":0.75}}\n";

    @Test
    void aResumedLogWithRepeatedStepsAndOtherTimesIsIdentical() {
        String resumed = "{\"event\":\"run-start\",\"time\":10}\n" + step(1, 0.5, false, 11) + step(2, 0.25, false, 12)
                + "{\"event\":\"run-start\",\"time\":20}\n" + step(2, 0.25, false, 21) + step(3, 0.125, false, 22)
                + "{\"event\":\"evaluation\",\"time\":23,\"task\":0,\"metric\":\"accuracy\",\"scores\":[0.75]}\n"
                + "{\"event\":\"run-end\",\"time\":24,\"summary\":{\"lastAccuracy\":0.75}}\n";
        assertEquals(Optional.empty(), RunComparison.compareLogs(REFERENCE, resumed));
    }

    @Test
    void aLossOneUlpApartIsADifferenceNamingTheStep() {
        double off = Math.nextUp(0.25);
        String resumed = step(1, 0.5, false, 11) + step(2, off, false, 12) + step(3, 0.125, false, 13);
        Optional<String> d = RunComparison.compareLogs(REFERENCE, resumed);
        assertTrue(d.orElseThrow().startsWith("metrics.jsonl step 2 loss"), d.orElseThrow());
    }

    @Test
    void aRepeatedStepThatDiffersFromTheReferenceIsCaughtEvenIfTheLastCopyAgrees() {
        String resumed = step(1, 0.5, false, 11) + step(2, 0.3, false, 12) + step(2, 0.25, false, 21)
                + step(3, 0.125, false, 22);
        assertTrue(RunComparison.compareLogs(REFERENCE, resumed).orElseThrow().contains("step 2"));
    }

    @Test
    void aSkippedFlagAMissingStepOrAMissingEvaluationIsADifference() {
        assertTrue(RunComparison.compareLogs(REFERENCE, step(1, 0.5, true, 1)).orElseThrow().contains("skipped"));
        String noStep3 = step(1, 0.5, false, 1) + step(2, 0.25, false, 2);
        assertEquals("metrics.jsonl step 3: missing", RunComparison.compareLogs(REFERENCE, noStep3).orElseThrow());
        String noEval = step(1, 0.5, false, 1) + step(2, 0.25, false, 2) + step(3, 0.125, false, 3);
        assertTrue(RunComparison.compareLogs(REFERENCE, noEval).orElseThrow().contains("evaluation"));
    }

    @Test
    void reportsIgnoreTimingsPathsAndEnvironmentButNotTheMatrixOrLossCurves() throws Exception {
        var a = JSON.readTree("{\"runDirectory\":\"/a\",\"timings\":{\"total\":3.5},\"environment\":{\"cpus\":2},"
                + "\"accuracyMatrix\":[[0.5,null],[0.25,0.75]],\"lossCurves\":[[1.0,0.5]]}");
        var b = JSON.readTree("{\"runDirectory\":\"/b\",\"timings\":{\"total\":0.4},\"environment\":{\"cpus\":16},"
                + "\"accuracyMatrix\":[[0.5,null],[0.25,0.75]],\"lossCurves\":[[1.0,0.5]]}");
        assertEquals(Optional.empty(), RunComparison.compareReports(a, b));
        var c = JSON.readTree("{\"accuracyMatrix\":[[0.5,null],[0.25,0.75]],\"lossCurves\":[[1.0,0.5000000000000001]]}");
        assertEquals("report.json.lossCurves[0][1]: 0.5 vs 0.5000000000000001",
                RunComparison.compareReports(a, c).orElseThrow());
        var d = JSON.readTree("{\"accuracyMatrix\":[[0.5,\"NaN\"],[0.25,0.75]],\"lossCurves\":[[1.0,0.5]]}");
        assertTrue(RunComparison.compareReports(a, d).orElseThrow().startsWith("report.json.accuracyMatrix[0][1]"));
    }

    @Test
    void runFoldersAreComparedAndTornLinesCounted(@TempDir Path tmp) throws Exception {
        Path ref = Files.createDirectories(tmp.resolve("ref"));
        Path run = Files.createDirectories(tmp.resolve("run"));
        String report = "{\"runDirectory\":\"x\",\"accuracyMatrix\":[[0.75]],\"lossCurves\":[[0.5,0.25,0.125]]}";
        Files.writeString(ref.resolve("report.json"), report);
        Files.writeString(run.resolve("report.json"), report.replace("\"x\"", "\"y\""));
        Files.writeString(ref.resolve("metrics.jsonl"), REFERENCE);
        Files.writeString(run.resolve("metrics.jsonl"), step(1, 0.5, false, 1) + "{\"event\":\"st\n" + REFERENCE);
        RunComparison.Result r = RunComparison.compare(ref, run);
        assertTrue(r.identical(), r.difference().orElse(""));
        assertEquals(1, r.tornLines());
        Files.delete(run.resolve("report.json"));
        assertEquals("report.json missing", RunComparison.compare(ref, run).difference().orElseThrow());
    }
}
