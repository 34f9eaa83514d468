package dev.perennial.api.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.ConstantInitializer;
import dev.perennial.api.config.TrainingConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The loop's optimizers against their update rules, and the learning-rate schedule. */
class OptimizerTest {

    private static TrainableParameter parameter(NDManager m, float value, double decay) {
        Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT)
                .optInitializer(new ConstantInitializer(value)).optShape(new Shape(2)).build();
        p.initialize(m, DataType.FLOAT32);
        return new TrainableParameter("learner/w", p, "default", 1.0, decay);
    }

    @Test
    void sgdWithMomentumFollowsTorchsRule() {
        try (NDManager m = NDManager.newBaseManager(); SgdMomentum sgd = new SgdMomentum(m, 0.9, false)) {
            TrainableParameter p = parameter(m, 1f, 0.1);
            float w = 1f;
            float v = 0f;
            float[] grads = {0.5f, -0.25f, 1f};
            for (int t = 0; t < grads.length; t++) {
                try (NDScope s = new NDScope()) {
                    sgd.update(p, m.create(new float[] {grads[t], grads[t]}), 0.1);
                    sgd.endStep();
                }
                float g = grads[t] + 0.1f * w;
                v = t == 0 ? g : 0.9f * v + g;
                w = w - 0.1f * v;
                assertArrayEquals(new float[] {w, w}, p.parameter().getArray().toFloatArray(), 1e-6f);
            }
        }
    }

    @Test
    void adamWFollowsDecoupledRuleAndRestoresItsState() {
        try (NDManager m = NDManager.newBaseManager(); AdamW adam = new AdamW(m, 0.9, 0.999, 1e-8)) {
            TrainableParameter p = parameter(m, 1f, 0.01);
            double w = 1;
            double mo = 0;
            double ve = 0;
            double[] grads = {0.5, -0.25};
            for (int t = 1; t <= grads.length; t++) {
                try (NDScope s = new NDScope()) {
                    adam.update(p, m.create(new float[] {(float) grads[t - 1], (float) grads[t - 1]}), 0.01);
                    adam.endStep();
                }
                w = w * (1 - 0.01 * 0.01);
                mo = 0.9 * mo + 0.1 * grads[t - 1];
                ve = 0.999 * ve + 0.001 * grads[t - 1] * grads[t - 1];
                double mh = mo / (1 - Math.pow(0.9, t));
                double vh = ve / (1 - Math.pow(0.999, t));
                w = w - 0.01 * mh / (Math.sqrt(vh) + 1e-8);
                assertEquals(w, p.parameter().getArray().toFloatArray()[0], 1e-6);
            }
            Map<String, NDArray> state = adam.state();
            try (AdamW restored = new AdamW(m, 0.9, 0.999, 1e-8)) {
                restored.load(state);
                assertEquals(List.of("#step", "learner/w#m", "learner/w#v"),
                        restored.state().keySet().stream().sorted().toList());
                assertEquals(2L, restored.state().get("#step").toLongArray()[0]);
            }
        }
    }

    @Test
    void cosineScheduleWarmsUpThenDecaysToTheFloor() {
        TrainingConfig c = new TrainingConfig(TrainingConfig.Optimizer.SGD, 0.1, 0.9, false, 0, 0.9, 0.999, 1e-8,
                TrainingConfig.Schedule.COSINE, 10, 0.001, 1, 8, 8, 1, 0, TrainingConfig.NanPolicy.SKIP, 3, 0.5,
                Map.of(), List.of(), true, 1, 2, 1, TrainingConfig.Precision.FP32);
        LearningRateSchedule s = new LearningRateSchedule(c, 110);
        assertEquals(0.01, s.at(0), 1e-12);
        assertEquals(0.1, s.at(9), 1e-12);
        assertEquals(0.1, s.at(10), 1e-12);
        assertEquals(0.001 + 0.5 * (0.1 - 0.001), s.at(60), 1e-12);
        assertEquals(0.001, s.at(110), 1e-12);
    }
}
