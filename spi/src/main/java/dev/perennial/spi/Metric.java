package dev.perennial.spi;

/**
 * Scores a learner's predictions on one task's evaluation data. The loop makes one accumulator per (trained
 * task, evaluated task) cell of the accuracy matrix and aggregates the cells across tasks.
 */
public interface Metric {

    /**
     * A fresh accumulator for one evaluation.
     *
     * @return the accumulator
     */
    Accumulator newAccumulator();

    /**
     * Whether higher values are better (accuracy) or lower (error rates); used for forgetting's sign.
     *
     * @return true when higher is better
     */
    default boolean higherIsBetter() {
        return true;
    }

    /** Collects predictions batch by batch. */
    interface Accumulator {
        /**
         * Adds a batch.
         *
         * @param batch the evaluation batch (labels, texts)
         * @param predictions the learner's predictions for it
         */
        void add(Batch batch, Predictions predictions);

        /**
         * The score of everything added.
         *
         * @return the score, e.g. in [0, 1] for accuracy
         */
        double result();
    }
}
