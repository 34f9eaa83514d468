package dev.perennial.benchmarks.perf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Side (d) of the loop-overhead benchmark: fp32 matrix-multiply throughput of the libtorch DJL runs on, an
 * {@code n × n · n × n} product counted as {@code 2n³} FLOPs; the ceiling the models' achieved FLOP/s are compared to.
 */
final class GemmThroughput {
    private GemmThroughput() {}

    /**
     * Times {@code repeats} products after one untimed product.
     *
     * @param n the matrix size (e.g. 2048)
     * @param repeats timed products, >= 1
     * @return GFLOP/s of each timed product
     */
    static double[] measure(int n, int repeats) {
        if (n < 1 || repeats < 1) {
            throw new IllegalArgumentException("GEMM size and repeats must be >= 1; were " + n + ", " + repeats);
        }
        double flops = 2.0 * n * n * n;
        double[] gflops = new double[repeats];
        try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            NDArray a = m.randomUniform(-1, 1, new Shape(n, n));
            NDArray b = m.randomUniform(-1, 1, new Shape(n, n));
            a.matMul(b).getFloat(0, 0);
            for (int i = 0; i < repeats; i++) {
                long start = System.nanoTime();
                try (NDArray c = a.matMul(b)) {
                    c.getFloat(0, 0);
                }
                gflops[i] = flops / ((System.nanoTime() - start) / 1e9) / 1e9;
            }
        }
        return gflops;
    }

    /**
     * The largest of some values: the peak a product reached when the shared machine let it.
     *
     * @param values at least one value
     * @return the maximum
     */
    static double best(double[] values) {
        return Arrays.stream(values).max().orElseThrow();
    }

    /**
     * The median of some values.
     *
     * @param values at least one value
     * @return the median (the mean of the middle two for an even count)
     */
    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
