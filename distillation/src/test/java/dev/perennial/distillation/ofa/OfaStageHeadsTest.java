package dev.perennial.distillation.ofa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.distillation.ModelSpec;
import dev.perennial.distillation.OfaLoss;
import dev.perennial.distillation.TestSteps;
import dev.perennial.distillation.assistant.StageSplit;
import dev.perennial.models.Backbone;
import dev.perennial.models.BackboneFeatures;
import dev.perennial.models.cnn.MobileNetV2;
import dev.perennial.models.cnn.MobileNetV2Config;
import dev.perennial.models.vit.VitBlock;
import dev.perennial.spi.Batch;
import dev.perennial.spi.LossTerms;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 9: OFAKD's loss CE + kd_loss_weight·OFA(logits) + ofa_loss_weight·Σ_k OFA(head_k(stage k)), its
 * projector heads for CNN and ViT students, its config names and defaults.
 */
class OfaStageHeadsTest {
    private static final int CLASSES = 5;
    private static final ModelSpec TEACHER = ModelSpec.of("vit", CLASSES, 16).withSizes(32, 2, 2, 4);
    /** ResNet-18 of base width 2: stages of 2, 4, 8, 16 channels at 16, 8, 4, 2 px; pooled width 16. */
    private static final ModelSpec RESNET = ModelSpec.of("resnet18", CLASSES, 16).withSizes(2, 0, 0, 0);

    private static Batch batch(NDManager m) {
        return TestSteps.batch(m.randomUniform(0f, 1f, new Shape(4, 3, 16, 16)), m.create(new long[] {0, 1, 2, 4}));
    }

    /** The learner outputs the distiller reads: logits and every stage under the backbone's names. */
    private static LossTerms studentTerms(Backbone student, ParameterStore ps, NDArray images, NDArray logits) {
        BackboneFeatures f = student.features(ps, images, true);
        LossTerms t = LossTerms.of("ce", images.getManager().zeros(new Shape())).withOutput("logits", logits);
        for (Map.Entry<String, NDArray> e : f.stages().entrySet()) {
            t = t.withOutput(e.getKey(), e.getValue());
        }
        return t;
    }

    private static OfaConfig config(ModelSpec student, double kd, double ofa) {
        return new OfaConfig(TEACHER, student, "image", 1.0, 1.0, kd, ofa, OfaConfig.OFFICIAL_STAGES, null);
    }

    @Test
    void officialNamesAndDefaults() throws Exception {
        OfaConfig c = OfaConfig.of(TEACHER, RESNET);
        assertEquals(1.0, c.kdLossWeight());
        assertEquals(1.0, c.ofaLossWeight());
        assertEquals(List.of(1, 2, 3, 4), c.stages());
        assertEquals(1.0, c.eps());
        assertEquals(1.0, c.temperature());
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        ObjectNode old = mapper.valueToTree(c);
        old.put("weight", 0.25);
        OfaConfig bound = mapper.treeToValue(old, OfaConfig.class);
        assertEquals(0.25, bound.kdLossWeight(), "the deprecated 'weight' is the final-logit weight");
        assertEquals(1.0, bound.ofaLossWeight());
        assertNull(bound.weight());
        old.put("kdLossWeight", 2.0);
        Exception both = assertThrows(Exception.class, () -> mapper.treeToValue(old, OfaConfig.class));
        assertTrue(String.valueOf(both.getMessage()).contains("kdLossWeight"), both.getMessage());
        IllegalArgumentException noStudent = assertThrows(IllegalArgumentException.class,
                () -> new OfaDistiller(new OfaConfig(TEACHER, null, "image", 1, 1, 1, 1, null, null),
                        NDManager.newBaseManager()));
        assertTrue(noStudent.getMessage().contains("'student'"), noStudent.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new OfaConfig(TEACHER, RESNET, "image", 1, 1, 1, 1, List.of(0, 5), null));
    }

    /**
     * With every head's last linear layer zero, each head outputs uniform logits, so with ε = 1 each stage term is
     * ofaLossWeight · (−Σ_c p^t_c · log(1/K)) = ofaLossWeight · log K whatever the teacher says; zero student logits
     * make the final-logit term kdLossWeight · log K. K = 5, kd 0.5, ofa 2: 0.5·ln 5 = 0.8047, 2·ln 5 = 3.2189.
     */
    @Test
    void lossIsTheWeightedFinalLogitTermPlusOneWeightedTermPerStageHead() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            Backbone student = RESNET.build();
            student.initialize(m, DataType.FLOAT32, new Shape(1, 3, 16, 16));
            OfaDistiller ofa = new OfaDistiller(config(RESNET, 0.5, 2.0), m);
            ofa.initialize();
            OfaHeads heads = ofa.heads().orElseThrow();
            for (int k : heads.stages()) {
                heads.head(k).fc().getParameters().values().forEach(p -> p.getArray().muli(0f));
            }
            Batch b = batch(m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray images = b.input("image");
            LossTerms terms = ofa.loss(b, studentTerms(student, ps, images, m.zeros(new Shape(4, CLASSES))),
                    TestSteps.training(m));
            assertEquals(List.of("ofa-kd", "ofa-stage1", "ofa-stage2", "ofa-stage3", "ofa-stage4"),
                    List.copyOf(terms.terms().keySet()));
            double logK = Math.log(CLASSES);
            assertEquals(0.5 * logK, terms.terms().get("ofa-kd").getFloat(), 1e-5);
            for (int k = 1; k <= 4; k++) {
                assertEquals(2 * logK, terms.terms().get("ofa-stage" + k).getFloat(), 1e-5, "stage " + k);
            }
            // With trained (non-zero) heads, each stage term is exactly the OFA loss of that head's logits.
            Engine.getInstance().setRandomSeed(4);
            OfaDistiller fresh = new OfaDistiller(config(RESNET, 0.5, 2.0), m);
            LossTerms st = studentTerms(student, ps, images, m.randomNormal(new Shape(4, CLASSES)));
            LossTerms t2 = fresh.loss(b, st, TestSteps.training(m));
            NDArray teacher = fresh.teacher().knowledge(ps, images).logits();
            NDArray mask = m.create(new long[] {0, 1, 2, 4}).oneHot(CLASSES).toType(DataType.FLOAT32, false);
            NDArray head3 = fresh.heads().orElseThrow().head(3).forward(ps, st.output("layer3").orElseThrow(), true);
            assertEquals(2 * OfaLoss.loss(head3, teacher, mask, 1f, 1f).getFloat(),
                    t2.terms().get("ofa-stage3").getFloat(), 1e-4);
        }
    }

    @Test
    void aStageTermTrainsItsHeadAndTheStudentUpToThatStageOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            Backbone student = RESNET.build();
            student.initialize(m, DataType.FLOAT32, new Shape(1, 3, 16, 16));
            OfaDistiller ofa = new OfaDistiller(config(RESNET, 1, 1), m);
            Batch b = batch(m);
            ParameterStore ps = new ParameterStore(m, false);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                LossTerms st = studentTerms(student, ps, b.input("image"), m.zeros(new Shape(4, CLASSES)));
                c.backward(ofa.loss(b, st, TestSteps.training(m)).terms().get("ofa-stage2"));
            }
            assertTrue(gradientNorm(StageSplit.child(student, "layer1")) > 0, "layer1 gets the stage-2 gradient");
            assertTrue(gradientNorm(StageSplit.child(student, "layer2")) > 0, "layer2 gets the stage-2 gradient");
            assertEquals(0.0, gradientNorm(StageSplit.child(student, "layer3")), "layer3 is after stage 2");
            OfaHeads heads = ofa.heads().orElseThrow();
            assertTrue(gradientNorm(heads.head(2)) > 0, "the stage-2 head learns");
            assertEquals(0.0, gradientNorm(heads.head(1)), "other heads get nothing from stage 2's term");
            assertTrue(ofa.teacher().isFrozen());
            assertTrue(ofa.trainable().orElseThrow() == heads, "the heads are the block the loop trains and saves");
        }
    }

    private static double gradientNorm(Block block) {
        double sum = 0;
        for (Parameter p : block.getParameters().values()) {
            if (p.requiresGradient() && p.getArray().hasGradient()) {
                NDArray g = p.getArray().getGradient();
                sum += g.mul(g).sum().getFloat();
            }
        }
        return sum;
    }

    /** OFAKD's CNN head: 4 − k SepConvs doubling channels, the last to max(F_S, F_T); stage 4 a 1×1 conv. */
    @Test
    void cnnHeadsFollowTheOfficialDesign() {
        try (NDManager m = NDManager.newBaseManager()) {
            OfaDistiller ofa = new OfaDistiller(config(RESNET, 1, 1), m);
            OfaHeads heads = ofa.heads().orElseThrow();
            assertEquals(Map.of(1, "layer1", 2, "layer2", 3, "layer3", 4, "layer4"), ofa.stageOutputs());
            // F = max(16, 32) = 32: stage 1 reads 2 channels, 2 -> 4 -> 8 -> 32.
            assertEquals(List.of(List.of(2L, 4L), List.of(4L, 8L), List.of(8L, 32L)), sepConvChannels(heads.head(1)));
            assertEquals(List.of(List.of(4L, 8L), List.of(8L, 32L)), sepConvChannels(heads.head(2)));
            assertEquals(List.of(List.of(8L, 32L)), sepConvChannels(heads.head(3)));
            List<Block> last = heads.head(4).body();
            assertEquals(1, last.size());
            assertEquals(new Shape(32, 16, 1, 1), last.get(0).getParameters().get("weight").getArray().getShape());
            assertTrue(last.get(0).getParameters().contains("bias"));
            for (int k = 1; k <= 4; k++) {
                assertEquals(new Shape(CLASSES, 32), heads.head(k).fc().weight().getArray().getShape());
            }
        }
    }

    private static List<List<Long>> sepConvChannels(OfaHeads.StageHead head) {
        return head.body().stream().map(b -> {
            long in = StageSplit.child(b, "dw1").getParameters().get("weight").getArray().getShape().get(0);
            long out = StageSplit.child(b, "pw2").getParameters().get("weight").getArray().getShape().get(0);
            assertEquals(in, StageSplit.child(b, "pw2").getParameters().get("weight").getArray().getShape().get(1));
            return List.of(in, out);
        }).toList();
    }

    /** OFAKD's token head: max(4 − k, 1) blocks of width F_S, 4 heads, no qkv bias; the class token; a linear layer. */
    @Test
    void vitHeadsFollowTheOfficialDesign() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 32 px, patch 4: an 8x8 grid (below 14, so no patch merging); depth 4.
            ModelSpec vit = ModelSpec.of("vit", CLASSES, 16).withSizes(16, 4, 2, 2);
            OfaDistiller ofa = new OfaDistiller(config(vit, 1, 1), m);
            OfaHeads heads = ofa.heads().orElseThrow();
            assertEquals(Map.of(1, "blocks.0", 2, "blocks.0", 3, "blocks.2", 4, "blocks.3"), ofa.stageOutputs());
            int[] blocks = {3, 2, 1, 1};
            for (int k = 1; k <= 4; k++) {
                OfaHeads.StageHead h = heads.head(k);
                assertEquals(blocks[k - 1], h.body().size(), "stage " + k);
                assertTrue(h.body().stream().allMatch(VitBlock.class::isInstance));
                assertTrue(h.mergers().isEmpty());
                assertEquals(new Shape(65, 16), h.inputShape());
                VitBlock first = (VitBlock) h.body().get(0);
                assertTrue(first.attn().qkv().bias().isEmpty(), "timm Block: qkv_bias=False");
                assertEquals(new Shape(CLASSES, 16), h.fc().weight().getArray().getShape());
            }
            // Each head maps its stage output (with the class token) to logits.
            NDArray tokens = m.randomNormal(new Shape(2, 65, 16));
            assertEquals(new Shape(2, CLASSES),
                    heads.head(1).forward(new ParameterStore(m, false), tokens, false).getShape());
        }
    }

    /** A 14x14 patch grid (56 px, patch 4) gets one patch merging to 7x7, the class token passing by. */
    @Test
    void aFourteenGridIsMergedOnceAndTheClassTokenKept() {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelSpec teacher = ModelSpec.of("vit", CLASSES, 56).withSizes(16, 2, 2, 4);
            ModelSpec vit = ModelSpec.of("vit", CLASSES, 56).withSizes(16, 4, 2, 4);
            OfaDistiller ofa = new OfaDistiller(new OfaConfig(teacher, vit, "image", 1, 1, 1, 1, List.of(1), null),
                    m);
            OfaHeads.StageHead h = ofa.heads().orElseThrow().head(1);
            assertEquals(1, h.mergers().size());
            assertEquals(new Shape(197, 16), h.inputShape());
            assertEquals(new Shape(2, CLASSES),
                    h.forward(new ParameterStore(m, false), m.randomNormal(new Shape(2, 197, 16)), false).getShape());
        }
    }

    /** OFAKD's stage_info picks: ViT-12 blocks 1, 3, 9, 11; MobileNetV2 timm indices 2, 5, 12, 17. */
    @Test
    void stageOutputsAreOfficialOnes() {
        Backbone vit12 = ModelSpec.of("vit", CLASSES, 32).withSizes(16, 12, 2, 4).build();
        assertEquals(List.of("blocks.1", "blocks.3", "blocks.9", "blocks.11"),
                List.of(1, 2, 3, 4).stream().map(k -> OfaStages.name(vit12, k)).toList());
        MobileNetV2 mnv2 = new MobileNetV2(MobileNetV2Config.standard(CLASSES));
        // features.0 is the stem, so timm's block index i is features.(i + 1); the last is the 1x1 conv (conv_head).
        assertEquals(List.of("features.3", "features.6", "features.13", "features.18"),
                List.of(1, 2, 3, 4).stream().map(k -> OfaStages.name(mnv2, k)).toList());
    }
}
