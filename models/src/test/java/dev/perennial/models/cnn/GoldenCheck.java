package dev.perennial.models.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.perennial.models.Backbone;
import dev.perennial.models.BackboneFeatures;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.models.io.LoadReport;
import dev.perennial.models.io.NameMap;
import dev.perennial.models.io.TensorSource;
import dev.perennial.models.io.WeightLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks a backbone against a golden file written by {@code tools/goldens/cnn_goldens.py}: the state dict loads
 * strictly (so every torchvision/timm name and shape matches), and eval-mode logits, pooled features and stage
 * outputs, then one train-mode pass (logits and the first batch norm's updated running statistics), agree with
 * PyTorch within 1e-4. With the environment variable {@code PERENNIAL_GOLDENS_PRINT} set, every comparison
 * prints its maximum difference.
 */
public final class GoldenCheck {
    /** The tolerance of every golden comparison (djl-notes §8, float32). */
    public static final float TOLERANCE = 1e-4f;

    private GoldenCheck() {}

    /**
     * Runs the check.
     *
     * @param file the golden file, relative to the module directory
     * @param net the backbone, built with the golden's configuration
     * @param firstBatchNorm the block name of the first batch norm (e.g. {@code bn1}), or null to skip train mode
     * @throws IOException if the golden cannot be read
     */
    public static void check(String file, Backbone net, String firstBatchNorm) throws IOException {
        try (NDManager m = NDManager.newBaseManager();
                TensorSource golden = Checkpoints.open(Path.of("src/test/resources/goldens", file))) {
            NDArray x = golden.read("__input", m);
            net.initialize(m, DataType.FLOAT32, x.getShape());
            LoadReport report = WeightLoader.strict().withNameMap(NameMap.drop("^__")).load(golden, net);
            assertTrue(report.isComplete(), report.describe());
            assertTrue(report.skipped().stream().filter(n -> !n.startsWith("__"))
                    .allMatch(n -> n.endsWith("num_batches_tracked")), report.skipped().toString());

            ParameterStore ps = new ParameterStore(m, false);
            assertClose(golden.read("__logits", m), net.forward(ps, new NDList(x), false).head(), "logits");
            BackboneFeatures f = net.features(ps, x, false);
            assertClose(golden.read("__pooled", m), f.pooled(), "pooled");
            assertEquals(net.featureDim(), f.pooled().getShape().get(1));
            List<String> goldenStages = golden.names().stream().filter(n -> n.startsWith("__stage."))
                    .map(n -> n.substring("__stage.".length())).toList();
            assertEquals(goldenStages, net.stageNames());
            for (String stage : net.stageNames()) {
                assertClose(golden.read("__stage." + stage, m), f.stage(stage), "stage " + stage);
            }
            if (firstBatchNorm != null) {
                NDArray train = net.forward(ps, new NDList(x), true).head();
                assertClose(golden.read("__train_logits", m), train, "train-mode logits");
                assertClose(golden.read("__train_running_mean", m),
                        ParameterNames.of(net).get(firstBatchNorm + ".running_mean").getArray(), "running_mean");
                assertClose(golden.read("__train_running_var", m),
                        ParameterNames.of(net).get(firstBatchNorm + ".running_var").getArray(), "running_var");
            }
        }
    }

    /**
     * Asserts equal shapes and max |expected − actual| ≤ {@link #TOLERANCE}.
     *
     * @param expected the reference
     * @param actual the value
     * @param what a label for the message
     */
    public static void assertClose(NDArray expected, NDArray actual, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + " shape");
        float diff = expected.sub(actual).abs().max().getFloat();
        if (System.getenv("PERENNIAL_GOLDENS_PRINT") != null) {
            System.out.printf("golden %-28s max|diff| %.3e  max|torch| %.3e%n", what, diff,
                    expected.abs().max().getFloat());
        }
        assertTrue(diff <= TOLERANCE, what + ": max |torch - ours| = " + diff);
    }
}
