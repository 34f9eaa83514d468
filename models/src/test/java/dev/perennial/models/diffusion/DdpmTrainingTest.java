package dev.perennial.models.diffusion;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.nn.Owned;
import dev.perennial.models.nn.Scalars;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A tiny conditional UNet learns a toy latent distribution with the DDPM ε-prediction loss: two classes, each a fixed
 * 4×4×4 pattern, the class given as a one-token context. The held-out loss (fixed timesteps and noise) must fall to
 * less than half its initial value, and DDIM sampling with classifier-free guidance must land, on average over four
 * samples, nearer the asked-for class's pattern than the other's.
 */
class DdpmTrainingTest {
    private static final int STEPS = 150;

    @Test
    void epsilonLossFallsAndGuidedSamplesFollowTheCondition() {
        Engine.getInstance().setRandomSeed(7);
        Random rng = new Random(7);
        String json = """
                {"block_out_channels": [8, 16], "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"],
                 "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"], "layers_per_block": 1,
                 "norm_num_groups": 4, "attention_head_dim": 2, "cross_attention_dim": 4, "sample_size": 4}
                """;
        NoiseSchedule schedule = new NoiseSchedule(100, 1e-4, 0.02, NoiseSchedule.BetaSchedule.LINEAR);
        try (NDManager m = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = new UNet2DConditionModel(UNet2DConditionConfig.parse(json, "test"));
            unet.initialize(m, DataType.FLOAT32);
            NDArray patterns = Owned.keep(m.randomNormal(new Shape(2, 4, 4, 4)).sign(), m);
            Map<String, Parameter> params = ParameterNames.of(unet);
            Adam adam = new Adam(new ArrayList<>(params.values()), m, 3e-3f);
            ParameterStore ps = new ParameterStore(m, false);

            // A held-out batch: both classes at spread timesteps with fixed noise.
            int[] evalClasses = {0, 1, 0, 1, 0, 1, 0, 1};
            int[] evalT = {5, 15, 30, 45, 60, 75, 90, 99};
            NDArray evalNoise = Owned.keep(m.randomNormal(new Shape(8, 4, 4, 4)), m);
            float before = evalLoss(unet, ps, schedule, patterns, evalClasses, evalT, evalNoise);

            for (int step = 0; step < STEPS; step++) {
                try (NDScope scope = new NDScope()) {
                    int b = 16;
                    int[] classes = new int[b];
                    int[] shown = new int[b];
                    int[] t = new int[b];
                    for (int i = 0; i < b; i++) {
                        classes[i] = rng.nextInt(2);
                        // 1 sample in 10 trains the unconditional branch (its condition a zero token), for guidance.
                        shown[i] = rng.nextInt(10) == 0 ? -1 : classes[i];
                        t[i] = rng.nextInt(schedule.trainSteps());
                    }
                    NDArray x0 = batch(patterns, classes);
                    NDArray noise = m.randomNormal(x0.getShape());
                    NDArray xt = schedule.addNoise(x0, noise, t);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray eps = unet.forward(ps, xt, NoiseSchedule.timestepArray(xt, t), context(m, shown),
                                true);
                        gc.backward(NoiseSchedule.epsilonLoss(eps, noise));
                    }
                    adam.step();
                }
            }
            float after = evalLoss(unet, ps, schedule, patterns, evalClasses, evalT, evalNoise);
            System.out.printf("DdpmTrainingTest: held-out epsilon loss %.4f -> %.4f%n", before, after);
            assertTrue(after < 0.5f * before, "held-out epsilon loss " + before + " -> " + after);

            // Guided DDIM samples of classes 0 and 1; the null condition is the zero token the training dropped to.
            try (NDScope scope = new NDScope()) {
                DdimSampler ddim = new DdimSampler(schedule, 20, 0f, true, 0);
                NDArray xT = m.randomNormal(new Shape(4, 4, 4, 4));
                int[] ask = {0, 1, 0, 1};
                NDArray sample = ddim.sample(ps, unet, xT, context(m, ask), m.zeros(new Shape(4, 1, 4)), 2f);
                float ownSum = 0;
                float otherSum = 0;
                for (int i = 0; i < ask.length; i++) {
                    NDArray s = sample.get(i);
                    float own = s.sub(patterns.get(ask[i])).square().mean().getFloat();
                    float other = s.sub(patterns.get(1 - ask[i])).square().mean().getFloat();
                    System.out.printf("DdpmTrainingTest: sample %d (class %d) distance %.4f own, %.4f other%n", i,
                            ask[i], own, other);
                    ownSum += own;
                    otherSum += other;
                }
                assertTrue(ownSum < otherSum, "guided samples: mean squared distance to the asked-for pattern "
                        + ownSum / ask.length + ", to the other " + otherSum / ask.length);
            }
        }
    }

    private static float evalLoss(UNet2DConditionModel unet, ParameterStore ps, NoiseSchedule schedule,
            NDArray patterns, int[] classes, int[] t, NDArray noise) {
        try (NDScope scope = new NDScope()) {
            NDArray x0 = batch(patterns, classes);
            NDArray xt = schedule.addNoise(x0, noise, t);
            NDArray eps = unet.forward(ps, xt, NoiseSchedule.timestepArray(xt, t),
                    context(patterns.getManager(), classes), false);
            return NoiseSchedule.epsilonLoss(eps, noise).getFloat();
        }
    }

    private static NDArray batch(NDArray patterns, int[] classes) {
        NDArray idx = Owned.longs(patterns.getManager(), java.util.Arrays.stream(classes).asLongStream().toArray());
        return patterns.get(idx);
    }

    /** One token per sample: the class one-hot in the first two of four features (class −1: all zeros). */
    private static NDArray context(NDManager m, int[] classes) {
        float[] c = new float[classes.length * 4];
        for (int i = 0; i < classes.length; i++) {
            if (classes[i] >= 0) {
                c[i * 4 + classes[i]] = 1f;
            }
        }
        return Owned.floats(m, c, new Shape(classes.length, 1, 4));
    }

    /** Adam (Kingma and Ba 2015) on the parameters' arrays, state kept in the test's manager. */
    private static final class Adam {
        private final List<Parameter> params;
        private final List<NDArray> first = new ArrayList<>();
        private final List<NDArray> second = new ArrayList<>();
        private final float lr;
        private int t;

        Adam(List<Parameter> params, NDManager keeper, float lr) {
            this.params = params;
            this.lr = lr;
            for (Parameter p : params) {
                first.add(Owned.keep(p.getArray().zerosLike(), keeper));
                second.add(Owned.keep(p.getArray().zerosLike(), keeper));
            }
        }

        void step() {
            t++;
            float c1 = (float) (1 - Math.pow(0.9, t));
            float c2 = (float) (1 - Math.pow(0.999, t));
            for (int i = 0; i < params.size(); i++) {
                NDArray w = params.get(i).getArray();
                NDArray g = w.getGradient();
                first.get(i).muli(0.9f).addi(Scalars.mul(g, 0.1f));
                second.get(i).muli(0.999f).addi(Scalars.mul(g.square(), 0.001f));
                NDArray mHat = Scalars.div(first.get(i), c1);
                NDArray vHat = Scalars.div(second.get(i), c2);
                w.subi(Scalars.mul(mHat.div(Scalars.add(vHat.sqrt(), 1e-8f)), lr));
                g.subi(g);
            }
        }
    }
}
