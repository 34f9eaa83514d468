package dev.perennial.continual.ptm;

import java.util.List;

/** Validation shared by the baseline providers' configuration records; messages name the plugin and field. */
final class ConfigChecks {
    private ConfigChecks() {}

    static void requireBatch(int featureBatchSize, String plugin) {
        if (featureBatchSize < 1) {
            throw new IllegalArgumentException(plugin + ": 'featureBatchSize' must be >= 1, was " + featureBatchSize);
        }
    }

    static double[] lambdas(List<Double> grid, String plugin) {
        if (grid == null || grid.isEmpty() || grid.stream().anyMatch(l -> l == null || !(l > 0) || l.isInfinite())) {
            throw new IllegalArgumentException(plugin + ": 'ridgeLambdas' must be a non-empty list of finite numbers"
                    + " > 0, was " + grid);
        }
        return grid.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
