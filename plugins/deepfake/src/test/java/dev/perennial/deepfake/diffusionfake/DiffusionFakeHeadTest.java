package dev.perennial.deepfake.diffusionfake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.diffusion.NoiseSchedule;
import dev.perennial.models.diffusion.UNet2DConditionConfig;
import dev.perennial.models.diffusion.UNet2DConditionModel;
import dev.perennial.models.nn.Owned;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Spec Part D.4 properties of the DiffusionFake head on a tiny random generator. */
class DiffusionFakeHeadTest {
    private static final String UNET = """
            {"block_out_channels": [8, 16], "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"],
             "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"], "layers_per_block": 1,
             "norm_num_groups": 4, "attention_head_dim": 2, "cross_attention_dim": 8, "sample_size": 8}
            """;
    private static final NoiseSchedule SCHEDULE =
            new NoiseSchedule(100, 1e-4, 0.02, NoiseSchedule.BetaSchedule.LINEAR);

    private static DiffusionFakeHead head(NDManager m) {
        UNet2DConditionModel unet = new UNet2DConditionModel(UNet2DConditionConfig.parse(UNET, "test"));
        unet.initialize(m, DataType.FLOAT32);
        DiffusionFakeHead head = new DiffusionFakeHead(unet, SCHEDULE, 16, 2, 8, 4, List.of(16, 8), 8, 8);
        head.initialize(m, DataType.FLOAT32);
        return head;
    }

    @Test
    void sharedNoiseSeparatesTheBranchesOnlyByTheCleanLatents() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray zs = m.randomNormal(new Shape(2, 4, 8, 8));
            NDArray zt = m.randomNormal(new Shape(2, 4, 8, 8));
            NDArray eps = m.randomNormal(new Shape(2, 4, 8, 8));
            int[] t = {3, 77};
            NDArray diff = SCHEDULE.addNoise(zs, eps, t).sub(SCHEDULE.addNoise(zt, eps, t));
            for (int i = 0; i < 2; i++) {
                NDArray expected = zs.get(i).sub(zt.get(i)).mul((float) Math.sqrt(SCHEDULE.alphaCumprod(t[i])));
                assertTrue(diff.get(i).sub(expected).abs().max().getFloat() < 1e-5f);
            }
        }
    }

    @Test
    void theTransposedConvolutionIsTheAdjointOfTheStridedConvolution() {
        try (NDManager m = NDManager.newBaseManager()) {
            ConvTranspose2d up = new ConvTranspose2d(8, 16);
            up.initialize(m, DataType.FLOAT32);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 8, 3, 5));
            NDArray y = m.randomNormal(new Shape(2, 16, 6, 10));
            NDArray ux = up.forward(ps, x, false);
            assertEquals(new Shape(2, 16, 6, 10), ux.getShape());
            NDArray weight = ParameterNames.of(up).get("weight").getArray();
            NDArray down = ai.djl.nn.convolutional.Conv2d.conv2d(y, weight, null, new Shape(2, 2), new Shape(1, 1))
                    .singletonOrThrow();
            float lhs = ux.mul(y).sum().getFloat();
            float rhs = x.mul(down).sum().getFloat();
            assertEquals(lhs, rhs, 1e-3f * Math.max(1f, Math.abs(lhs)));
        }
    }

    @Test
    void similarityTargetsSpanZeroToOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = Owned.floats(m, new float[] {1, 0, 0, 2, 1, 0}, new Shape(2, 3));
            NDArray same = DiffusionFakeHead.similarityTarget(a, a);
            NDArray negated = DiffusionFakeHead.similarityTarget(a, a.neg());
            NDArray orthogonal = DiffusionFakeHead.similarityTarget(a,
                    Owned.floats(m, new float[] {0, 5, 0, -1, 2, 7}, new Shape(2, 3)));
            for (int i = 0; i < 2; i++) {
                assertEquals(1f, same.getFloat(i), 1e-6f);
                assertEquals(0f, negated.getFloat(i), 1e-6f);
                assertEquals(0.5f, orthogonal.getFloat(i), 1e-6f);
            }
        }
    }

    @Test
    void zeroConvolutionsLeaveTheGeneratorUnconditionedAndTheLossIsTheSumOfItsTerms() {
        try (NDManager m = NDManager.newBaseManager()) {
            DiffusionFakeHead head = head(m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray f = m.randomNormal(new Shape(2, 16, 2, 2));
            NDArray zs = m.randomNormal(new Shape(2, 4, 8, 8));
            NDArray zt = m.randomNormal(new Shape(2, 4, 8, 8));
            NDArray eps = m.randomNormal(new Shape(2, 4, 8, 8));
            NDArray ctx = m.zeros(new Shape(2, 1, 8));
            NDArray simS = Owned.floats(m, new float[] {1f, 0.3f});
            NDArray simT = Owned.floats(m, new float[] {1f, 0.8f});
            int[] t = {10, 60};
            DiffusionFakeHead.Terms terms = head.loss(ps, f, zs, zt, simS, simT, t, eps, ctx, false);
            NDArray times = NoiseSchedule.timestepArray(zs, t);
            NDArray plainS = head.generator().forward(ps, SCHEDULE.addNoise(zs, eps, t), times, ctx, false);
            NDArray plainT = head.generator().forward(ps, SCHEDULE.addNoise(zt, eps, t), times, ctx, false);
            assertEquals(NoiseSchedule.epsilonLoss(plainS, eps).getFloat(), terms.reconstructionSource().getFloat(),
                    1e-6f);
            assertEquals(NoiseSchedule.epsilonLoss(plainT, eps).getFloat(), terms.reconstructionTarget().getFloat(),
                    1e-6f);
            float[] ws = terms.sourceWeights().toFloatArray();
            float[] wt = terms.targetWeights().toFloatArray();
            float mseS = ((ws[0] - 1f) * (ws[0] - 1f) + (ws[1] - 0.3f) * (ws[1] - 0.3f)) / 2;
            float mseT = ((wt[0] - 1f) * (wt[0] - 1f) + (wt[1] - 0.8f) * (wt[1] - 0.8f)) / 2;
            assertEquals(mseS, terms.weightSource().getFloat(), 1e-6f);
            assertEquals(mseT, terms.weightTarget().getFloat(), 1e-6f);
            float total = terms.reconstructionSource().getFloat() + terms.reconstructionTarget().getFloat() + mseS
                    + mseT;
            assertEquals(total, terms.total(1f, 1f).getFloat(), 1e-5f);
            for (float w : ws) {
                assertTrue(w > 0 && w < 1);
            }
        }
    }

    @Test
    void anOptimizerStepMovesTheHeadAndDetectorFeaturesButNeverTheGenerator() {
        try (NDManager m = NDManager.newBaseManager()) {
            DiffusionFakeHead head = head(m);
            Map<String, Parameter> generator = ParameterNames.of(head.generator());
            Map<String, NDArray> before = new HashMap<>();
            generator.forEach((k, p) -> before.put(k, Owned.keep(p.getArray(), m)));
            Map<String, Parameter> own = ParameterNames.of(head);
            // The head's parameters are its own branches: nothing of the generator is among them (nor exported).
            assertTrue(own.keySet().stream().allMatch(n -> n.startsWith("source.") || n.startsWith("target.")
                    || n.startsWith("weight_source.") || n.startsWith("weight_target.")), own.keySet().toString());
            assertTrue(own.values().stream().noneMatch(p -> generator.containsValue(p)));

            ParameterStore ps = new ParameterStore(m, false);
            NDArray f = m.randomNormal(new Shape(2, 16, 2, 2));
            f.setRequiresGradient(true);
            NDArray zs = m.randomNormal(new Shape(2, 4, 8, 8));
            NDArray eps = m.randomNormal(new Shape(2, 4, 8, 8));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                DiffusionFakeHead.Terms terms = head.loss(ps, f, zs, zs.add(0.5f), Owned.floats(m, new float[] {1, 1}),
                        Owned.floats(m, new float[] {0.2f, 0.2f}), new int[] {5, 50}, eps,
                        m.zeros(new Shape(2, 1, 8)), true);
                gc.backward(terms.total(1f, 1f));
            }
            assertTrue(f.getGradient().abs().max().getFloat() > 0, "detector features get a gradient");
            assertTrue(own.get("source.zero_convs.0.weight").getArray().getGradient().abs().max().getFloat() > 0,
                    "zero convolutions get a gradient");
            for (Parameter p : own.values()) {
                NDArray w = p.getArray();
                w.subi(w.getGradient().mul(0.1f));
            }
            for (Map.Entry<String, Parameter> e : generator.entrySet()) {
                assertFalse(e.getValue().requiresGradient(), e.getKey() + " is frozen");
                assertEquals(0f, before.get(e.getKey()).sub(e.getValue().getArray()).abs().max().getFloat(),
                        e.getKey());
            }
            assertTrue(own.get("source.zero_convs.0.weight").getArray().abs().max().getFloat() > 0);
        }
    }

    @Test
    void aFeatureMapOfTheWrongResolutionIsRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            DiffusionFakeHead head = head(m);
            NDArray f = m.randomNormal(new Shape(1, 16, 4, 4));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> head.loss(
                    new ParameterStore(m, false), f, m.zeros(new Shape(1, 4, 8, 8)), m.zeros(new Shape(1, 4, 8, 8)),
                    m.ones(new Shape(1)), m.ones(new Shape(1)), new int[] {1}, m.zeros(new Shape(1, 4, 8, 8)),
                    m.zeros(new Shape(1, 1, 8)), false));
            assertTrue(e.getMessage().contains("change the number of upsamplings"), e.getMessage());
        }
    }
}
