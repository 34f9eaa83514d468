package dev.perennial.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Relative plugin folders of a run folder are resolved against the folder the run was started from. */
class StartFolderTest {
    private static final Path CWD = Path.of("").toAbsolutePath();

    @Test
    void aRelativeRunDirectoryIsStrippedFromTheRunFoldersParent() {
        assertEquals(Path.of("/work/project"), Experiment.startFolder(Path.of("/work/project/runs/x-1"), "runs"));
        assertEquals(Path.of("/work/project"),
                Experiment.startFolder(Path.of("/work/project/out/runs/x-1"), "out/runs"));
        assertEquals(Path.of("/work/project"),
                Experiment.startFolder(Path.of("/work/project/out/runs/x-1"), "./out/runs/"));
    }

    @Test
    void anAbsoluteOrMismatchedRunDirectoryFallsBackToTheWorkingFolder() {
        assertEquals(CWD, Experiment.startFolder(Path.of("/work/project/runs/x-1"), "/elsewhere/runs"));
        assertEquals(CWD, Experiment.startFolder(Path.of("/moved/here/x-1"), "runs"));
        assertEquals(CWD, Experiment.startFolder(Path.of("/work/runs/x-1"), "../runs"));
    }
}
