package dev.perennial.benchmarks.slerpface;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import dev.perennial.slerpface.faces.FaceRenderer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The image decoder of attack 3: shapes, a small overfit, and its input checks. */
class TemplateImageDecoderTest {

    @Test
    void decodesATemplateBatchIntoImagesOfTheConfiguredSide() {
        for (int side : new int[] {16, 32}) {
            DecoderConfig config = new DecoderConfig(20, side, 32, 1, 2, 1e-3);
            try (NDManager manager = NDManager.newBaseManager()) {
                SequentialBlock block = TemplateImageDecoder.block(config);
                block.initialize(manager, DataType.FLOAT32, new Shape(2, 20));
                assertArrayEquals(new Shape[] {new Shape(2, 3, side, side)},
                        block.getOutputShapes(new Shape[] {new Shape(2, 20)}));
                NDArray out = block.forward(new ParameterStore(manager, false),
                        new NDList(manager.randomNormal(new Shape(2, 20))), false).head();
                assertEquals(new Shape(2, 3, side, side), out.getShape());
                assertTrue(out.min().getFloat() > 0 && out.max().getFloat() < 1, "sigmoid output in (0, 1)");
            }
        }
    }

    @Test
    void reducesItsPixelLossOnAFewPairs() {
        FaceRenderer renderer = new FaceRenderer(16, 3);
        Random random = new Random(5);
        float[][] templates = new float[4][12];
        float[][] images = new float[4][];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 12; j++) {
                templates[i][j] = (float) random.nextGaussian();
            }
            images[i] = renderer.render(i, 0);
        }
        DecoderConfig config = new DecoderConfig(12, 16, 32, 80, 4, 0.01);
        try (TemplateImageDecoder decoder = TemplateImageDecoder.train(config, templates, images, 7)) {
            List<Double> losses = decoder.epochLosses();
            assertEquals(80, losses.size());
            assertTrue(losses.get(losses.size() - 1) < 0.5 * losses.get(0), "pixel L2 " + losses);
            float[][] decoded = decoder.decode(templates);
            assertEquals(4, decoded.length);
            assertEquals(3 * 16 * 16, decoded[0].length);
            // the decoded image of a pair is closer to its own face than to the other faces
            for (int i = 0; i < 4; i++) {
                double own = squaredDistance(decoded[i], images[i]);
                for (int k = 0; k < 4; k++) {
                    if (k != i) {
                        assertTrue(own < squaredDistance(decoded[i], images[k]), "pair " + i + " vs face " + k);
                    }
                }
            }
        }
    }

    @Test
    void rejectsShapesItCannotBuildOrDecode() {
        IllegalArgumentException side = assertThrows(IllegalArgumentException.class,
                () -> new DecoderConfig(8, 24, 32, 1, 2, 1e-3));
        assertTrue(side.getMessage().contains("imageSize"), side.getMessage());
        IllegalArgumentException pairs = assertThrows(IllegalArgumentException.class,
                () -> TemplateImageDecoder.train(new DecoderConfig(8, 16, 32, 1, 2, 1e-3), new float[2][8],
                        new float[2][10], 1));
        assertTrue(pairs.getMessage().contains("3 x 16 x 16"), pairs.getMessage());
        try (TemplateImageDecoder decoder = TemplateImageDecoder.train(new DecoderConfig(8, 16, 16, 1, 2, 1e-3),
                new float[][] {new float[8], new float[8]}, new float[][] {new float[768], new float[768]}, 1)) {
            IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                    () -> decoder.decode(new float[][] {new float[5]}));
            assertTrue(length.getMessage().contains("trained on 8"), length.getMessage());
        }
    }

    private static double squaredDistance(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += (a[j] - b[j]) * (double) (a[j] - b[j]);
        }
        return s;
    }
}
