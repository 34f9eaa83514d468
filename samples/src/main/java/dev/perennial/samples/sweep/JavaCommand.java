package dev.perennial.samples.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The java command line that started this process, up to (not including) its main class: the same java executable,
 * its JVM options ({@code -X...}, {@code -D...}, {@code --enable-native-access}, {@code --add-opens} ...), the
 * module path and class path, then this project's CLI as the main class. A sweep starts each point with it.
 */
public final class JavaCommand {
    /** The CLI's main class. */
    static final String MAIN_CLASS = "dev.perennial.samples.PerennialCli";
    /** Options whose value is the next argument and which this class sets itself or leaves out. */
    private static final Set<String> DROPPED_WITH_VALUE = Set.of("-p", "--module-path", "-cp", "-classpath",
            "--class-path", "--patch-module", "--upgrade-module-path", "--add-modules", "-m", "--module");
    private static final Set<String> KEPT_WITH_VALUE = Set.of("--add-opens", "--add-exports", "--add-reads",
            "--enable-native-access");

    private JavaCommand() {}

    /**
     * The command prefix: java, JVM options, module and class path, {@code -m dev.perennial.samples/...CLI}.
     *
     * @return the arguments; the CLI's own arguments (e.g. {@code run FILE}) follow them
     */
    public static List<String> current() {
        ProcessHandle.Info info = ProcessHandle.current().info();
        String java = info.command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> out = new ArrayList<>();
        out.add(java);
        List<String> args = List.of(info.arguments().orElse(new String[0]));
        Set<String> givenProperties = new java.util.HashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("-") || a.equals("-jar")) {
                break; // the main class, a jar, or an @argfile's contents are not ours to copy
            }
            if (DROPPED_WITH_VALUE.contains(a)) {
                if (a.equals("-m") || a.equals("--module")) {
                    break;
                }
                i++;
                continue;
            }
            if (KEPT_WITH_VALUE.contains(a) && i + 1 < args.size()) {
                out.add(a);
                out.add(args.get(++i));
                continue;
            }
            if (a.startsWith("-D")) {
                String key = a.substring(2).split("=", 2)[0];
                if (key.startsWith("jdk.module.")) {
                    continue;
                }
                givenProperties.add(key);
                out.add(a);
            } else if ((a.startsWith("-X") && !a.startsWith("-Xdebug") && !a.startsWith("-Xrunjdwp"))
                    || a.startsWith("--enable-native-access=") || a.startsWith("--add-opens=")
                    || a.startsWith("--add-exports=") || a.startsWith("--enable-preview")) {
                out.add(a);
            }
        }
        // Settings given in an @argfile (as surefire does) are not in the argument list: the project's own
        // system properties travel explicitly.
        Map<String, String> props = new TreeMap<>();
        System.getProperties().forEach((k, v) -> props.put(k.toString(), v.toString()));
        props.forEach((k, v) -> {
            if ((k.startsWith("ai.djl.") || k.startsWith("org.slf4j.") || k.startsWith("perennial."))
                    && !givenProperties.contains(k)) {
                out.add("-D" + k + "=" + v);
            }
        });
        String modulePath = System.getProperty("jdk.module.path");
        String classPath = System.getProperty("java.class.path");
        String module = JavaCommand.class.getModule().getName();
        if (modulePath != null && !modulePath.isEmpty() && module != null) {
            out.add("--module-path");
            out.add(modulePath);
            if (classPath != null && !classPath.isEmpty()) {
                out.add("--class-path");
                out.add(classPath);
            }
            out.add("-m");
            out.add(module + "/" + MAIN_CLASS);
        } else {
            out.add("--class-path");
            out.add(classPath);
            out.add(MAIN_CLASS);
        }
        return out;
    }
}
