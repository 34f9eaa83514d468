package dev.perennial.models.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.perennial.models.cnn.Conv2dLayer;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The project's 3×3 convolution against the definition of cross-correlation summed in double, for input-channel
 * counts at which libtorch 2.7.1's oneDNN CPU forward convolution was wrong under the tests' {@code
 * ONEDNN_MAX_CPU_ISA=AVX} (README "Status"; {@code bin/benchmark memory.ConvForwardChannels}).
 */
class ChannelPaddedConvolutionTest {
    private static final int SIDE = 8;

    @ParameterizedTest
    @ValueSource(ints = {9, 12, 13, 20, 30, 47})
    void conv2dLayerMatchesTheDefinitionForwardAndBackward(int in) {
        int out = 13;
        int batch = 3;
        SplittableRandom random = new SplittableRandom(in);
        float[] x = ConvolutionProbe.uniform(random, batch * in * SIDE * SIDE, 1f);
        float[] u = ConvolutionProbe.uniform(random, batch * out * SIDE * SIDE, 1f);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Conv2dLayer layer = new Conv2dLayer(in, out, 3, 1, 1, 1, false);
            layer.initialize(m, DataType.FLOAT32, new Shape(batch, in, SIDE, SIDE));
            NDArray weight = layer.getParameters().get("weight").getArray();
            float[] w = weight.toFloatArray();
            NDArray xa = Owned.floats(m, x, new Shape(batch, in, SIDE, SIDE));
            xa.setRequiresGradient(true);
            float[] y;
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray o = layer.forward(new ParameterStore(m, false), xa, true);
                y = o.toFloatArray();
                c.backward(o.mul(Owned.floats(m, u, new Shape(batch, out, SIDE, SIDE))).sum());
            }
            float[] dx = xa.getGradient().toFloatArray();
            float[] dw = weight.getGradient().toFloatArray();
            double[] ry = new double[y.length];
            double[] rdx = new double[x.length];
            double[] rdw = new double[w.length];
            reference(x, w, u, batch, in, out, ry, rdx, rdw);
            assertClose("forward", y, ry, in);
            assertClose("input gradient", dx, rdx, in);
            assertClose("weight gradient", dw, rdw, in);
        }
    }

    @org.junit.jupiter.api.Test
    void thePaddedWeightLivesInTheInputsManagerNotTheParameters() {
        try (NDManager parameters = NDManager.newBaseManager(Device.cpu());
                NDManager step = NDManager.newBaseManager(Device.cpu())) {
            NDArray w = parameters.ones(new Shape(4, 12, 3, 3));
            int before = ((BaseNDManager) parameters).getManagedArrays().size();
            NDArray x = step.ones(new Shape(2, 12, 8, 8));
            ChannelPaddedConvolution.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1));
            assertEquals(before, ((BaseNDManager) parameters).getManagedArrays().size(),
                    "a forward pass must not leave arrays in the parameters' manager");
        }
    }

    /** out[b,o,y,x] = Σ_{c,i,j} w[o,c,i,j] · x[b,c,y+i−1,x+j−1] (zero outside), and its gradients for Σ out · u. */
    private static void reference(float[] x, float[] w, float[] u, int batch, int in, int out, double[] y,
            double[] dx, double[] dw) {
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < out; o++) {
                for (int oy = 0; oy < SIDE; oy++) {
                    for (int ox = 0; ox < SIDE; ox++) {
                        int yi = ((b * out + o) * SIDE + oy) * SIDE + ox;
                        for (int c = 0; c < in; c++) {
                            for (int i = 0; i < 3; i++) {
                                for (int j = 0; j < 3; j++) {
                                    int iy = oy + i - 1;
                                    int ix = ox + j - 1;
                                    if (iy < 0 || iy >= SIDE || ix < 0 || ix >= SIDE) {
                                        continue;
                                    }
                                    int xi = ((b * in + c) * SIDE + iy) * SIDE + ix;
                                    int wi = ((o * in + c) * 3 + i) * 3 + j;
                                    y[yi] += (double) w[wi] * x[xi];
                                    dx[xi] += (double) w[wi] * u[yi];
                                    dw[wi] += (double) x[xi] * u[yi];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static void assertClose(String what, float[] got, double[] ref, int in) {
        double scale = 1;
        double err = 0;
        for (int i = 0; i < ref.length; i++) {
            scale = Math.max(scale, Math.abs(ref[i]));
            double e = Math.abs(got[i] - ref[i]);
            err = Math.max(err, Double.isNaN(e) ? Double.POSITIVE_INFINITY : e);
        }
        double max = err;
        double bound = 1e-4 * scale;
        assertTrue(max <= bound, () -> what + " of a 3x3 convolution over " + in + " input channels is off by " + max
                + " (allowed " + bound + ", ONEDNN_MAX_CPU_ISA=" + System.getenv("ONEDNN_MAX_CPU_ISA") + ")");
    }
}
