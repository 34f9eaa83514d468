package dev.perennial.api.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import dev.perennial.api.config.TrainingConfig;
import dev.perennial.models.nn.Scalars;
import dev.perennial.spi.Batch;
import java.util.Optional;

/**
 * What the training precision changes in a step, in one place: the inputs' element type, the loss that is
 * differentiated (scaled for fp16), the factor that turns the gradients back into the loss's (1 / scale) and the
 * scaler's update once the gradients were checked. fp32 changes nothing, not even by a multiplication by one, so
 * fp32 runs stay bit-identical to runs before precisions existed.
 */
abstract sealed class StepPrecision {

    /**
     * The strategy for a configured precision.
     *
     * @param precision the configured precision
     * @return fp32's identity, bf16's cast without scaling, or fp16's cast with dynamic loss scaling
     */
    static StepPrecision of(TrainingConfig.Precision precision) {
        return switch (precision) {
            case FP32 -> new Full();
            case BF16 -> new Reduced(DataType.BFLOAT16, Optional.empty());
            case FP16 -> new Reduced(DataType.FLOAT16, Optional.of(new DynamicLossScaler()));
        };
    }

    /** The element type of the forward pass. */
    abstract DataType compute();

    /** The batch with its fp32 inputs in the compute type. */
    abstract Batch inputs(Batch batch);

    /** The loss to differentiate: the loss itself, or the loss times the scale. */
    abstract NDArray forBackward(NDArray loss);

    /** The factor that turns this step's gradients into the gradients of the unscaled loss. */
    abstract double unscale();

    /**
     * Updates the scaler once the step's gradients were checked.
     *
     * @param overflow whether a gradient was not finite (the step is skipped)
     */
    abstract void checked(boolean overflow);

    /** The loss scaler, when the precision scales. */
    abstract Optional<DynamicLossScaler> scaler();

    /** fp32: nothing changes. */
    static final class Full extends StepPrecision {
        @Override
        DataType compute() {
            return DataType.FLOAT32;
        }

        @Override
        Batch inputs(Batch batch) {
            return batch;
        }

        @Override
        NDArray forBackward(NDArray loss) {
            return loss;
        }

        @Override
        double unscale() {
            return 1.0;
        }

        @Override
        void checked(boolean overflow) {
            // no scaler
        }

        @Override
        Optional<DynamicLossScaler> scaler() {
            return Optional.empty();
        }
    }

    /** bf16 or fp16: the inputs cast; fp16 with its scaler. */
    static final class Reduced extends StepPrecision {
        private final DataType type;
        private final Optional<DynamicLossScaler> scaler;
        /** The scale this step's backward used (the scaler may change it when the step is checked). */
        private double used = 1.0;

        Reduced(DataType type, Optional<DynamicLossScaler> scaler) {
            this.type = type;
            this.scaler = scaler;
        }

        @Override
        DataType compute() {
            return type;
        }

        @Override
        Batch inputs(Batch batch) {
            NDList cast = new NDList();
            for (NDArray input : batch.inputs()) {
                NDArray c = input.getDataType() == DataType.FLOAT32 ? input.toType(type, false) : input;
                c.setName(input.getName());
                cast.add(c);
            }
            return new Batch(cast, batch.labels(), batch.labelMix(), batch.sampleIds(), batch.task(), batch.texts());
        }

        @Override
        NDArray forBackward(NDArray loss) {
            used = scaler.map(DynamicLossScaler::scale).orElse(1.0);
            return used == 1.0 ? loss : Scalars.mul(loss, (float) used);
        }

        @Override
        double unscale() {
            return 1.0 / used;
        }

        @Override
        void checked(boolean overflow) {
            scaler.ifPresent(s -> s.update(overflow));
        }

        @Override
        Optional<DynamicLossScaler> scaler() {
            return scaler;
        }
    }
}
