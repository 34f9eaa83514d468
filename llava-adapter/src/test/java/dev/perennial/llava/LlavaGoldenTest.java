package dev.perennial.llava;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.perennial.llava.image.LlavaImageProcessor;
import dev.perennial.llava.image.RgbImage;
import dev.perennial.models.io.LoadReport;
import dev.perennial.models.io.TensorSource;
import dev.perennial.models.io.WeightLoader;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Against tools/goldens/llava_goldens.py (Debian torch 1.13 + PIL 9.4): LLaVA-1.5 preprocessing bytes, and the
 * logits and answer-only loss of a tiny LLaVA whose image features are spliced in at the image token.
 */
class LlavaGoldenTest {

    private static NDList golden(NDManager manager) throws IOException {
        try (InputStream in = LlavaGoldenTest.class.getResourceAsStream("/goldens/llava_tiny.safetensors")) {
            if (in == null) {
                throw new IllegalStateException("missing /goldens/llava_tiny.safetensors (tools/goldens/llava_goldens.py)");
            }
            return NDList.decode(manager, in.readAllBytes());
        }
    }

    @Test
    void preprocessingMatchesPilExpandToSquareBicubicAndClipNormalisation() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList g = golden(manager);
            LlavaImageProcessor processor = LlavaImageProcessor.llava15(16);
            for (int k = 0; k < 4; k++) {
                NDArray image = g.get("input.image" + k);
                int h = (int) image.getShape().get(0);
                int w = (int) image.getShape().get(1);
                RgbImage rgb = new RgbImage(w, h, image.toByteArray());
                float[] expected = g.get("output.pixels" + k).toFloatArray();
                float[] actual = processor.pixels(rgb);
                assertEquals(expected.length, actual.length);
                float max = 0;
                for (int i = 0; i < expected.length; i++) {
                    max = Math.max(max, Math.abs(expected[i] - actual[i]));
                }
                // Identical bytes after PIL's resize; what remains is float rounding of the normalisation.
                assertTrue(max < 1e-5f, "image " + k + " (" + w + "x" + h + "): max |diff| " + max);
            }
        }
    }

    @Test
    void splicedForwardAndAnswerLossMatchTorch() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList g = golden(manager);
            LlavaModel model = TinyLlava.model(manager);
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (NDArray a : g) {
                if (!a.getName().startsWith("input.") && !a.getName().startsWith("output.")) {
                    weights.put(a.getName(), a);
                }
            }
            try (TensorSource source = TensorSource.of(weights)) {
                LoadReport report = WeightLoader.strict().load(source, model);
                assertTrue(report.isComplete(), report.describe());
            }
            long[] ids = g.get("input.ids").toLongArray();
            long[] labels = g.get("input.labels").toLongArray();
            NDArray image = g.get("input.image1");
            RgbImage rgb = new RgbImage((int) image.getShape().get(1), (int) image.getShape().get(0), image.toByteArray());
            NDArray pixels = LlavaImageProcessor.llava15(16).preprocess(manager, List.of(rgb));
            LlavaBatch batch = new LlavaBatch(List.of(ids), Optional.of(List.of(labels)), Optional.of(pixels));
            ParameterStore store = new ParameterStore(manager, false);

            NDArray logits = model.logits(store, manager, batch, PaddingSide.RIGHT, false).get(0);
            NDArray expected = g.get("output.logits");
            assertArrayEquals(expected.getShape().getShape(), logits.getShape().getShape());
            float diff = logits.sub(expected).abs().max().getFloat();
            assertTrue(diff < 1e-4f, "max |logits - torch| = " + diff);

            float loss = model.answerLoss(store, manager, batch, false).getFloat();
            float expectedLoss = g.get("output.loss").getFloat();
            assertEquals(expectedLoss, loss, 1e-4f);
        }
    }
}
