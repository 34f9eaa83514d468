package dev.perennial.benchmarks.gpu;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.perennial.continual.net.SmallConvNet;
import java.util.Locale;

/**
 * Probes which tensor paths work with the libtorch at hand (used on a GPU machine whose libtorch is not the
 * 2.7.1 that DJL's JNI was built for): creation from Java data, creation on the device, and a forward/backward
 * step of a small CNN on random on-device data, timed on CPU and GPU.
 */
public final class EngineProbe {
    private EngineProbe() {}

    /**
     * Entry point.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        Engine e = Engine.getInstance();
        System.out.printf(Locale.ROOT, "engine %s %s gpus %d%n", e.getEngineName(), e.getVersion(), e.getGpuCount());
        for (Device d : e.getGpuCount() > 0 ? new Device[] {Device.cpu(), Device.gpu()} : new Device[] {Device.cpu()}) {
            try (NDManager m = NDManager.newBaseManager(d)) {
                try {
                    NDArray a = m.create(new float[] {1, 2, 3});
                    System.out.println(d + " create(float[]): ok " + a.sum().getFloat());
                } catch (RuntimeException ex) {
                    System.out.println(d + " create(float[]): FAILS " + ex.getMessage().split("\n")[0]);
                }
                try {
                    NDArray z = m.zeros(new Shape(3));
                    z.set(java.nio.FloatBuffer.wrap(new float[] {1, 2, 3}));
                    System.out.println(d + " zeros+set(buffer): ok " + z.sum().getFloat());
                } catch (RuntimeException ex) {
                    System.out.println(d + " zeros+set(buffer): FAILS " + ex.getMessage().split("\n")[0]);
                }
                try {
                    SmallConvNet net = new SmallConvNet(32, 64, 256);
                    net.initialize(m, DataType.FLOAT32, new Shape(128, 3, 32, 32));
                    ParameterStore ps = new ParameterStore(m, false);
                    NDArray x = m.randomNormal(new Shape(128, 3, 32, 32));
                    int steps = 30;
                    long start = 0;
                    for (int i = 0; i < steps + 5; i++) {
                        if (i == 5) {
                            x.sum().getFloat();
                            start = System.nanoTime();
                        }
                        try (GradientCollector c = e.newGradientCollector()) {
                            NDArray y = net.forward(ps, new NDList(x), true).singletonOrThrow();
                            c.backward(y.square().mean());
                        }
                    }
                    float probe = net.getParameters().valueAt(0).getArray().getGradient().sum().getFloat();
                    double ms = (System.nanoTime() - start) / 1e6 / steps;
                    System.out.printf(Locale.ROOT, "%s small-cnn fwd+bwd batch 128x3x32x32: %.2f ms/step (%.0f samples/s)"
                            + " grad-sum %.4f%n", d, ms, 128 * 1000 / ms, probe);
                } catch (RuntimeException ex) {
                    System.out.println(d + " small-cnn step: FAILS " + ex.getMessage().split("\n")[0]);
                }
            }
        }
    }
}
