package dev.perennial.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name value} arguments of a benchmark program, checked against the names it accepts, and their
 * typed values; every error is one line naming the argument and what is accepted.
 */
public final class BenchmarkArgs {
    private BenchmarkArgs() {}

    /**
     * Reads {@code --name value} pairs.
     *
     * @param args the program's arguments
     * @param accepted the names the program accepts (without {@code --})
     * @return name → value, in the order given
     * @throws IllegalArgumentException for an unpaired argument or an unknown name
     */
    public static Map<String, String> parse(String[] args, Set<String> accepted) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("arguments are --name value pairs; '" + args[i] + "' is not one."
                        + " Accepted names: " + accepted);
            }
            String name = args[i].substring(2);
            if (!accepted.contains(name)) {
                throw new IllegalArgumentException("unknown argument --" + name + "; accepted: " + accepted);
            }
            o.put(name, args[++i]);
        }
        return o;
    }

    /**
     * A comma-separated list of integers.
     *
     * @param list the text
     * @param name the argument's name, for the message
     * @return the integers
     */
    public static List<Integer> integers(String list, String name) {
        try {
            return Arrays.stream(list.split(",")).map(s -> Integer.parseInt(s.trim())).toList();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": '" + list + "' is not a comma-separated list of"
                    + " integers", e);
        }
    }

    /**
     * An integer argument.
     *
     * @param o the parsed arguments
     * @param name the argument's name
     * @param fallback the value when it is absent
     * @return its value
     */
    public static int integer(Map<String, String> o, String name, int fallback) {
        String v = o.get(name);
        try {
            return v == null ? fallback : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": '" + v + "' is not an integer", e);
        }
    }

    /**
     * A real-number argument.
     *
     * @param o the parsed arguments
     * @param name the argument's name
     * @param fallback the value when it is absent
     * @return its value
     */
    public static double real(Map<String, String> o, String name, double fallback) {
        String v = o.get(name);
        try {
            return v == null ? fallback : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": '" + v + "' is not a number", e);
        }
    }

    /**
     * The load average line of {@code /proc/loadavg}, recorded beside results.
     *
     * @return the line, or "unavailable"
     */
    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException | RuntimeException e) {
            return "unavailable";
        }
    }
}
