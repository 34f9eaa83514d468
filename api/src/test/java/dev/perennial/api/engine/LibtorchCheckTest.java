package dev.perennial.api.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The libtorch check runs on fake libtorch folders (empty library files and version files), so nothing native is
 * loaded: a mismatch must be found from the files alone, before DJL's first native call.
 */
class LibtorchCheckTest {

    private static Path fakeLibtorch(Path root, String buildVersion) throws Exception {
        Path lib = Files.createDirectories(root.resolve("libtorch/lib"));
        Files.writeString(lib.resolve(System.mapLibraryName("torch")), "not a library");
        if (buildVersion != null) {
            Files.writeString(root.resolve("libtorch/build-version"), buildVersion + "\n");
        }
        return lib;
    }

    private static LibtorchCheck.Finding check(Path libraryPath) {
        return LibtorchCheck.verify(Map.of("PYTORCH_LIBRARY_PATH", libraryPath.toString())::get, "2.7.1");
    }

    @Test
    void aFolderOfAnotherLibtorchIsRejectedWithOneLineNamingTheFolderAndBothVersions(@TempDir Path dir)
            throws Exception {
        Path lib = fakeLibtorch(dir, "2.11.0+cu130");
        LibtorchMismatchException e = assertThrows(LibtorchMismatchException.class, () -> check(lib));
        assertTrue(e.getMessage().contains(lib.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("2.11.0+cu130") && e.getMessage().contains("2.7.1"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void aPipInstalledTorchIsReadFromItsVersionFile(@TempDir Path dir) throws Exception {
        Path lib = Files.createDirectories(dir.resolve("site-packages/torch/lib"));
        Files.writeString(lib.resolve(System.mapLibraryName("torch")), "");
        Files.writeString(dir.resolve("site-packages/torch/version.py"),
                "from typing import Optional\n__version__ = '2.11.0+cu130'\ncuda: Optional[str] = '13.0'\n");
        assertEquals(Optional.of("2.11.0+cu130"), LibtorchCheck.folderVersion(lib));
        assertThrows(LibtorchMismatchException.class, () -> check(lib));
    }

    @Test
    void theSameReleaseOfAnotherFlavourPasses(@TempDir Path dir) throws Exception {
        Path lib = fakeLibtorch(dir, "2.7.1+cu128");
        LibtorchCheck.Finding f = check(lib);
        assertEquals(Optional.of("2.7.1+cu128"), f.folderVersion());
        assertEquals(Optional.of(lib.toAbsolutePath()), f.folder());
    }

    @Test
    void aFolderWithItsOwnJniPassesWhateverItsVersion(@TempDir Path dir) throws Exception {
        Path lib = fakeLibtorch(dir, "2.11.0+cu130");
        Files.writeString(lib.resolve("0.36.0-" + System.mapLibraryName("djl_torch")), "");
        assertTrue(check(lib).ownJni());
    }

    @Test
    void aFolderWithoutLibtorchIsAnErrorAndAnUnknownVersionIsNot(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        LibtorchMismatchException e = assertThrows(LibtorchMismatchException.class, () -> check(empty));
        assertTrue(e.getMessage().contains("holds no " + System.mapLibraryName("torch")), e.getMessage());
        Path lib = fakeLibtorch(dir.resolve("noversion"), null);
        assertEquals(Optional.empty(), check(lib).folderVersion());
    }

    @Test
    void withoutTheVariableDjlUsesItsBundledLibtorch() {
        assertTrue(LibtorchCheck.verify(Map.<String, String>of()::get, "2.7.1").folder().isEmpty());
    }

    @Test
    void theJniOnTheClassPathWasBuiltForLibtorch271() {
        assertEquals("2.7.1", LibtorchCheck.expectedVersion());
    }

    @Test
    void nativeDownloadsAreOffUnlessOptedIn() {
        assertFalse(LibtorchCheck.nativeDownloadAllowed(Map.<String, String>of()::get));
        assertTrue(LibtorchCheck.nativeDownloadAllowed(Map.of(LibtorchCheck.ALLOW_DOWNLOAD_ENV, "1")::get));
        assertTrue(LibtorchCheck.nativeDownloadAllowed(Map.of(LibtorchCheck.ALLOW_DOWNLOAD_PROPERTY, "true")::get));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LibtorchCheck.nativeDownloadAllowed(Map.of(LibtorchCheck.ALLOW_DOWNLOAD_ENV, "yes")::get));
        assertTrue(e.getMessage().contains("expected true, false, 1 or 0"), e.getMessage());
        assertThrows(IllegalStateException.class,
                () -> LibtorchCheck.applyDownloadChoice(true, Map.of("DJL_OFFLINE", "true")::get));
    }
}
