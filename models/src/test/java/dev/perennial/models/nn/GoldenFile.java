package dev.perennial.models.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.perennial.models.ParameterNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A golden file written by {@code tools/goldens/transformer_goldens.py}: model weights under their ecosystem names,
 * {@code input.*} and {@code output.*} tensors.
 */
public final class GoldenFile {
    private final NDList tensors;

    private GoldenFile(NDList tensors) {
        this.tensors = tensors;
    }

    /**
     * Reads {@code /goldens/<name>} from the test class path.
     *
     * @param manager where the tensors go
     * @param name the file name
     * @return the golden file
     */
    public static GoldenFile load(NDManager manager, String name) {
        try (InputStream in = GoldenFile.class.getResourceAsStream("/goldens/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /goldens/" + name
                        + " (run tools/goldens/transformer_goldens.py)");
            }
            return new GoldenFile(NDList.decode(manager, in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param name tensor name
     * @return the tensor
     */
    public NDArray get(String name) {
        NDArray a = tensors.get(name);
        if (a == null) {
            throw new IllegalArgumentException("golden has no tensor " + name);
        }
        return a;
    }

    /** @return the names of the weights (everything but input.* and output.*) */
    public Set<String> weightNames() {
        Set<String> names = new TreeSet<>();
        for (NDArray a : tensors) {
            String n = a.getName();
            if (!n.startsWith("input.") && !n.startsWith("output.")) {
                names.add(n);
            }
        }
        return names;
    }

    /**
     * Asserts that the block's torch-style parameter names are exactly the golden's weight names and copies every
     * weight in (the block must be initialised).
     *
     * @param block the block
     */
    public void copyWeightsInto(Block block) {
        Map<String, Parameter> params = ParameterNames.of(block);
        assertEquals(weightNames(), new TreeSet<>(params.keySet()), "parameter names");
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray src = get(e.getKey());
            assertEquals(src.getShape(), e.getValue().getArray().getShape(), "shape of " + e.getKey());
            src.copyTo(e.getValue().getArray());
        }
    }

    /**
     * Asserts max |expected − actual| ≤ tolerance.
     *
     * @param expected expected
     * @param actual actual
     * @param tolerance absolute tolerance
     * @param what label for the message
     */
    public static void assertClose(NDArray expected, NDArray actual, float tolerance, String what) {
        assertEquals(expected.getShape(), actual.getShape(), "shape of " + what);
        float diff = expected.sub(actual).abs().max().getFloat();
        assertTrue(diff <= tolerance, what + ": max abs difference " + diff + " > " + tolerance);
    }
}
