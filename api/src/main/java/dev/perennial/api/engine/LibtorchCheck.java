package dev.perennial.api.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks, before DJL loads any native library, that the libtorch a user points at with
 * {@code PYTORCH_LIBRARY_PATH} is the one DJL's PyTorch JNI was built for. DJL 0.36 loads such a folder as it is;
 * a JNI built for libtorch 2.7.1 against, say, PyTorch 2.11's libraries ends the JVM with an undefined symbol
 * ({@code PyObjectSlot}) at the first native call, with no Java exception to catch. This check reads the
 * folder's version from the files libtorch distributions carry and answers with one line instead.
 *
 * <p>Where the version comes from, first found wins: {@code build-version} in the folder or its parent (the
 * libtorch zip has {@code libtorch/build-version} beside {@code libtorch/lib/}); {@code version.py} in the parent
 * (a pip-installed {@code torch/lib/}, whose {@code torch/version.py} has {@code __version__ = '2.11.0+cu130'}).
 * A folder that holds its own JNI library ({@code libdjl_torch.so} or {@code <djl>-libdjl_torch.so}, as DJL looks
 * for it first) was built against that libtorch and passes whatever its version (the GPU proof script does that).
 */
public final class LibtorchCheck {
    /** System property that lets DJL download a native libtorch (e.g. the CUDA build) at first use. */
    public static final String ALLOW_DOWNLOAD_PROPERTY = "perennial.allowNativeDownload";
    /** Environment variable with the same effect as {@link #ALLOW_DOWNLOAD_PROPERTY}. */
    public static final String ALLOW_DOWNLOAD_ENV = "PERENNIAL_ALLOW_NATIVE_DOWNLOAD";

    private static final Pattern VERSION = Pattern.compile("(\\d+\\.\\d+\\.\\d+)([+.\\w-]*)");
    private static final Pattern VERSION_PY = Pattern.compile("(?m)^__version__\\s*=\\s*['\"]([^'\"]+)['\"]");
    private static final String JNI_PROPERTIES = "jnilib/pytorch.properties";

    private LibtorchCheck() {}

    /**
     * What the check found.
     *
     * @param folder the libtorch folder named by {@code PYTORCH_LIBRARY_PATH}; empty: DJL uses its bundled or cached
     *     libtorch, which always fits its JNI
     * @param folderVersion the folder's libtorch version, when a version file says it
     * @param expectedVersion the libtorch version DJL's JNI was built for (e.g. {@code 2.7.1})
     * @param ownJni whether the folder holds its own JNI library
     */
    public record Finding(Optional<Path> folder, Optional<String> folderVersion, String expectedVersion,
                          boolean ownJni) {
        /**
         * A line for {@code perennial --version}.
         *
         * @return where libtorch comes from and whether it fits
         */
        public String describe() {
            if (folder.isEmpty()) {
                return "libtorch from the bundled native jar or DJL's cache (JNI built for " + expectedVersion + ")";
            }
            return "libtorch from PYTORCH_LIBRARY_PATH " + folder.get() + ", version "
                    + folderVersion.orElse("unknown (no build-version or version.py)")
                    + (ownJni ? ", with its own JNI library" : ", JNI built for " + expectedVersion);
        }
    }

    /**
     * Checks the process's environment and system properties (environment first, as DJL reads them).
     *
     * @return what was found
     * @throws LibtorchMismatchException when the folder's libtorch is not the JNI's
     */
    public static Finding verify() {
        return verify(LibtorchCheck::envOrProperty, expectedVersion());
    }

    /**
     * Checks a given environment.
     *
     * @param env reads a variable ({@code PYTORCH_LIBRARY_PATH}); null when unset
     * @param expected the libtorch version the JNI was built for
     * @return what was found
     * @throws LibtorchMismatchException when the folder is missing, holds no libtorch, or holds another version
     */
    public static Finding verify(UnaryOperator<String> env, String expected) {
        String setting = env.apply("PYTORCH_LIBRARY_PATH");
        if (setting == null || setting.isBlank()) {
            return new Finding(Optional.empty(), Optional.empty(), expected, false);
        }
        Path folder = libtorchFolder(setting).orElseThrow(() -> new LibtorchMismatchException(
                "PYTORCH_LIBRARY_PATH=" + setting + " holds no " + System.mapLibraryName("torch")
                        + "; name the folder of a libtorch " + expected + " (e.g. libtorch/lib) or unset it to use the"
                        + " bundled CPU libtorch"));
        boolean ownJni = Files.isRegularFile(folder.resolve(System.mapLibraryName("djl_torch")))
                || hasVersionedJni(folder);
        Optional<String> version = folderVersion(folder);
        if (!ownJni && version.isPresent() && !sameRelease(version.get(), expected)) {
            throw new LibtorchMismatchException("PYTORCH_LIBRARY_PATH=" + folder + " holds libtorch " + version.get()
                    + ", but DJL's PyTorch JNI was built for libtorch " + expected + " and would end the JVM at its"
                    + " first call; point it at a libtorch " + expected + ", unset it (bundled CPU libtorch), or build"
                    + " the JNI against this libtorch into that folder (benchmarks/gpu/README.md)");
        }
        return new Finding(Optional.of(folder), version, expected, ownJni);
    }

    /**
     * The libtorch version DJL's JNI on the class path was built for, from {@code jnilib/pytorch.properties}
     * ({@code jni_version=2.7.1-0.36.0}).
     *
     * @return e.g. {@code 2.7.1}; {@code unknown} without the JNI jar
     */
    public static String expectedVersion() {
        Properties p = new Properties();
        try (InputStream in = resource(JNI_PROPERTIES)) {
            if (in == null) {
                return "unknown";
            }
            p.load(in);
        } catch (IOException e) {
            return "unknown";
        }
        String jni = p.getProperty("jni_version", "unknown");
        int dash = jni.indexOf('-');
        return dash < 0 ? jni : jni.substring(0, dash);
    }

    /**
     * The libtorch version a folder's version files give.
     *
     * @param folder the folder of {@code libtorch.so}
     * @return the version, e.g. {@code 2.11.0+cu130}
     */
    public static Optional<String> folderVersion(Path folder) {
        Path parent = folder.toAbsolutePath().getParent();
        for (Path f : parent == null ? List.of(folder.resolve("build-version"))
                : List.of(folder.resolve("build-version"), parent.resolve("build-version"))) {
            Optional<String> v = read(f).map(String::strip).filter(s -> VERSION.matcher(s).lookingAt());
            if (v.isPresent()) {
                return v;
            }
        }
        if (parent != null) {
            Optional<String> py = read(parent.resolve("version.py"));
            if (py.isPresent()) {
                Matcher m = VERSION_PY.matcher(py.get());
                if (m.find()) {
                    return Optional.of(m.group(1));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Whether two libtorch versions are the same release ({@code 2.7.1+cu128} and {@code 2.7.1} are).
     *
     * @param found a folder's version
     * @param expected the JNI's version
     * @return true when major.minor.patch agree (or the JNI's version is unknown)
     */
    static boolean sameRelease(String found, String expected) {
        Matcher a = VERSION.matcher(found.strip());
        Matcher b = VERSION.matcher(expected.strip());
        if (!b.lookingAt()) {
            return true;
        }
        return a.lookingAt() && a.group(1).equals(b.group(1));
    }

    /**
     * Whether the user opted in to DJL downloading a native libtorch ({@code --allow-native-download},
     * {@value #ALLOW_DOWNLOAD_PROPERTY} or {@value #ALLOW_DOWNLOAD_ENV}); the default is offline.
     *
     * @param env reads a variable or property; null when unset
     * @return true when opted in
     */
    public static boolean nativeDownloadAllowed(UnaryOperator<String> env) {
        String v = env.apply(ALLOW_DOWNLOAD_PROPERTY);
        if (v == null) {
            v = env.apply(ALLOW_DOWNLOAD_ENV);
        }
        if (v == null) {
            return false;
        }
        String s = v.strip().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("1")) {
            return true;
        }
        if (s.equals("false") || s.equals("0") || s.isEmpty()) {
            return false;
        }
        throw new IllegalArgumentException(ALLOW_DOWNLOAD_PROPERTY + " / " + ALLOW_DOWNLOAD_ENV + " = '" + v
                + "' is not accepted; expected true, false, 1 or 0");
    }

    /**
     * Sets DJL's offline switch from the user's choice, before the engine loads: offline unless opted in. DJL
     * reads the environment variable {@code DJL_OFFLINE} before the property, so an opt-in under
     * {@code DJL_OFFLINE=true} is an error rather than silently offline.
     *
     * @param allow whether downloads are allowed
     * @param env reads an environment variable
     * @throws IllegalStateException when downloads are asked for but the environment forbids them
     */
    public static void applyDownloadChoice(boolean allow, UnaryOperator<String> env) {
        if (allow && "true".equalsIgnoreCase(env.apply("DJL_OFFLINE"))) {
            throw new IllegalStateException("--allow-native-download: the environment sets DJL_OFFLINE=true, which"
                    + " DJL reads before any option; unset it (bin/perennial does so for this option)");
        }
        System.setProperty("ai.djl.offline", String.valueOf(!allow));
    }

    private static Optional<Path> libtorchFolder(String setting) {
        for (String part : setting.split(java.io.File.pathSeparator)) {
            if (part.isBlank()) {
                continue;
            }
            Path p = Path.of(part);
            if (Files.isRegularFile(p) && p.getFileName().toString().equals(System.mapLibraryName("torch"))) {
                return Optional.of(p.toAbsolutePath().getParent());
            }
            if (Files.isRegularFile(p.resolve(System.mapLibraryName("torch")))) {
                return Optional.of(p.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    private static boolean hasVersionedJni(Path folder) {
        String suffix = "-" + System.mapLibraryName("djl_torch");
        try (var files = Files.list(folder)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(suffix));
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<String> read(Path f) {
        try {
            if (!Files.isRegularFile(f) || Files.size(f) > 65_536) {
                return Optional.empty();
            }
            return Optional.of(Files.readString(f, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static InputStream resource(String name) {
        InputStream in = LibtorchCheck.class.getClassLoader() == null ? null
                : LibtorchCheck.class.getClassLoader().getResourceAsStream(name);
        return in != null ? in : ClassLoader.getSystemResourceAsStream(name);
    }

    private static String envOrProperty(String name) {
        String v = System.getenv(name);
        return v != null ? v : System.getProperty(name);
    }
}
