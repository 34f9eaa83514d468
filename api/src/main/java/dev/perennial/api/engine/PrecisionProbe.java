package dev.perennial.api.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Whether the engine can train in a reduced precision on a device, asked of a child JVM: DJL 0.36's PyTorch JNI
 * maps element types by ordinal with no case for BF16, so the first BF16 tensor ends the process ("terminate
 * called without an active exception", exit 134) instead of throwing. The child makes a small tensor in the
 * precision on the device, multiplies it, differentiates and reads the result back; exit 0 and the line
 * {@code probe ok} mean the precision works. Answers are kept per (precision, device) for the JVM's life.
 *
 * <p>The child runs {@code java} of this JVM with this JVM's class and module path flattened onto one class path,
 * offline, with the environment inherited (so {@code PYTORCH_LIBRARY_PATH} and the cache are the same).
 */
public final class PrecisionProbe {
    private static final Map<String, Optional<String>> ANSWERS = new ConcurrentHashMap<>();
    private static final String OK = "probe ok";
    private static final long TIMEOUT_SECONDS = 120;

    private PrecisionProbe() {}

    /**
     * Requires the engine to run a precision on a device.
     *
     * @param type FLOAT16 or BFLOAT16 (FLOAT32 always passes without a probe)
     * @param device the training device
     * @param field the configuration field that asked, for the message (e.g. {@code training.precision})
     * @throws dev.perennial.api.config.ConfigException naming the field, what failed and what is accepted
     */
    public static void require(DataType type, Device device, String field) {
        if (type == DataType.FLOAT32) {
            return;
        }
        Optional<String> problem = ANSWERS.computeIfAbsent(type + "@" + device, k -> probe(type, device));
        if (problem.isPresent()) {
            throw new dev.perennial.api.config.ConfigException(field + " " + name(type) + " cannot run on " + device
                    + " with this engine (" + Engine.getInstance().getEngineName() + " "
                    + Engine.getInstance().getVersion() + "): " + problem.get() + "; accepted here: fp32"
                    + (type == DataType.BFLOAT16 ? ", fp16 where the device runs it" : ""));
        }
    }

    private static String name(DataType type) {
        return type == DataType.BFLOAT16 ? "bf16" : type == DataType.FLOAT16 ? "fp16" : type.toString();
    }

    /** Runs the child; empty when the precision works, else what went wrong. */
    static Optional<String> probe(DataType type, Device device) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.javaBinary());
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=error");
        cmd.add("-cp");
        cmd.add(Path.classPath());
        cmd.add(PrecisionProbe.class.getName());
        cmd.add(type.name());
        cmd.add(device.getDeviceType());
        cmd.add(String.valueOf(device.getDeviceId()));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            boolean done = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
                return Optional.of("the probe process did not finish in " + TIMEOUT_SECONDS + " s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() == 0 && out.contains(OK)) {
                return Optional.empty();
            }
            String last = out.lines().filter(l -> !l.isBlank() && !l.contains("WARN")).reduce((a, b) -> b)
                    .orElse("no output");
            return Optional.of(String.format(Locale.ROOT, "a probe process making a %s tensor exited with %d (%s)",
                    name(type), p.exitValue(), last.strip()));
        } catch (IOException e) {
            return Optional.of("the probe process could not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while probing");
        }
    }

    /**
     * The child: makes, multiplies, differentiates and reads a tensor of the precision on the device.
     *
     * @param args element type name, device type, device id
     */
    public static void main(String[] args) {
        DataType type = DataType.valueOf(args[0]);
        Device device = Device.of(args[1], Integer.parseInt(args[2]));
        try (NDManager m = NDManager.newBaseManager(device)) {
            NDArray x = m.ones(new Shape(4, 4)).toType(type, false);
            x.setRequiresGradient(true);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray y = x.matMul(x).sum();
                c.backward(y);
            }
            float g = x.getGradient().toType(DataType.FLOAT32, false).sum().getFloat();
            if (g != 128f) {
                System.out.println("probe wrong: gradient sum " + g + ", expected 128");
                System.exit(3);
            }
        }
        System.out.println(OK);
    }

    /** Where the child's java and classes come from. */
    private static final class Path {
        static String javaBinary() {
            return ProcessHandle.current().info().command()
                    .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        }

        static String classPath() {
            List<String> parts = new ArrayList<>();
            for (String key : List.of("jdk.module.path", "java.class.path")) {
                String v = System.getProperty(key);
                if (v == null || v.isBlank()) {
                    continue;
                }
                for (String entry : v.split(File.pathSeparator)) {
                    parts.add(entry);
                    // A module path names folders of jars (bin/perennial's lib/modules); on a class path a folder
                    // is a folder of classes, so its jars are added by the launcher's wildcard.
                    if (key.equals("jdk.module.path") && new File(entry).isDirectory()) {
                        parts.add(entry + File.separator + "*");
                    }
                }
            }
            return String.join(File.pathSeparator, parts);
        }
    }
}
