package dev.perennial.samples;

import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Start-up noise of the command: quiet by default, shown with {@code --verbose}.
 *
 * <ul>
 *   <li>DJL's warning "Failed to detect GPU count" (logged by {@code ai.djl.util.cuda.CudaUtils} on every machine
 *       without a usable CUDA driver) goes through slf4j-simple, whose level is set before the first logger
 *       exists ({@link #configure}).</li>
 *   <li>libtorch's C++ warnings (such as "AutoNonVariableTypeMode is deprecated", printed once per process when
 *       DJL first evaluates without gradients) come from native code, whose threshold is the C++ flag
 *       {@code FLAGS_caffe2_log_level} of {@code libc10.so}. PyTorch's Python module sets it from the environment
 *       variable {@code TORCH_CPP_LOG_LEVEL} by calling {@code c10::initLogging()}; libtorch alone (DJL) never
 *       does, so the variable has no effect there. {@link #quietNative} does the same once libtorch is loaded:
 *       with {@code TORCH_CPP_LOG_LEVEL} set it calls {@code c10::initLogging()}, which honours it; without it,
 *       it sets the flag to ERROR (2), or leaves libtorch's default (WARNING) with {@code --verbose}.</li>
 * </ul>
 */
final class Logging {
    /** The slf4j-simple property of the DJL logger that reports the missing GPU. */
    static final String CUDA_LOGGER = "org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils";
    /** c10's log levels: 0 INFO, 1 WARNING, 2 ERROR, 3 FATAL. */
    private static final int ERROR = 2;

    private static volatile boolean verbose;

    private Logging() {}

    /**
     * Sets the log levels; call before any logging happens. Levels given with {@code -D} are left alone.
     *
     * @param verbose true to show every warning
     */
    static void configure(boolean verbose) {
        Logging.verbose = verbose;
        if (System.getProperty(CUDA_LOGGER) == null) {
            System.setProperty(CUDA_LOGGER, verbose ? "warn" : "error");
        }
    }

    /**
     * Applies {@code TORCH_CPP_LOG_LEVEL} (or ERROR, without {@code --verbose}) to the loaded libtorch. Call after
     * the PyTorch engine has loaded. On a platform where the loaded {@code libc10} cannot be found it does nothing
     * (the warnings then show, as before).
     *
     * @return what was done, for tests and {@code --verbose}
     */
    static String quietNative() {
        Optional<Path> c10 = loadedLibrary("libc10.so");
        if (c10.isEmpty()) {
            return "libc10.so is not loaded; libtorch's warnings are left alone";
        }
        try {
            // The library is loaded already: dlopen by its path returns the same handle, so these are its symbols.
            NativeLibrary library = NativeLibrary.getInstance(c10.get().toString());
            String env = System.getenv("TORCH_CPP_LOG_LEVEL");
            if (env != null && !env.isBlank()) {
                library.getFunction("_ZN3c1011initLoggingEv").invokeVoid(new Object[0]);
                return "libtorch's log level from TORCH_CPP_LOG_LEVEL=" + env;
            }
            if (verbose) {
                return "libtorch's log level left at its default (WARNING)";
            }
            library.getGlobalVariableAddress("FLAGS_caffe2_log_level").setInt(0, ERROR);
            return "libtorch's log level set to ERROR";
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return "libtorch's log level cannot be set: " + e.getMessage();
        }
    }

    /**
     * Loads the PyTorch engine (a run would load it a moment later) and quiets libtorch as {@link #quietNative}
     * says. A failure to load is left for the run to report.
     */
    static void loadEngineQuietly() {
        // A libtorch that does not fit DJL's JNI would end the JVM at the first native call: say so first.
        dev.perennial.api.engine.LibtorchCheck.verify();
        try {
            ai.djl.engine.Engine.getEngine("PyTorch");
        } catch (RuntimeException | LinkageError e) {
            return;
        }
        String done = quietNative();
        if (verbose) {
            System.err.println("perennial: " + done);
        }
    }

    /** The path of a shared library this process has loaded, from {@code /proc/self/maps} (Linux). */
    static Optional<Path> loadedLibrary(String fileName) {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return Optional.empty();
        }
        try (var lines = Files.lines(maps)) {
            return lines.map(l -> l.substring(l.indexOf('/') < 0 ? l.length() : l.indexOf('/')).strip())
                    .filter(p -> !p.isEmpty() && Path.of(p).getFileName().toString().equals(fileName))
                    .findFirst().map(Path::of);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
