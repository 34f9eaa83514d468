package dev.perennial.distillation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.perennial.distillation.cakd.CakdProvider;
import dev.perennial.distillation.fitnet.FitnetConfig;
import dev.perennial.distillation.fitnet.FitnetDistiller;
import dev.perennial.distillation.fitnet.FitnetProvider;
import dev.perennial.distillation.kd.KdConfig;
import dev.perennial.distillation.kd.KdDistiller;
import dev.perennial.distillation.kd.KdProvider;
import dev.perennial.distillation.ofa.OfaConfig;
import dev.perennial.distillation.ofa.OfaDistiller;
import dev.perennial.distillation.ofa.OfaProvider;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Capability;
import dev.perennial.spi.DistillerProvider;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.PluginKind;
import dev.perennial.spi.SpiVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kd, ofa and fitnet baselines against a frozen tiny teacher; provider metadata; teacher checkpoints. */
class BaselineDistillersTest {
    private static final ModelSpec TEACHER = ModelSpec.of("vit", 5, 16).withSizes(16, 2, 2, 4);

    private static Batch batch(NDManager m) {
        return TestSteps.batch(m.randomUniform(0f, 1f, new Shape(4, 3, 16, 16)), m.create(new long[] {0, 1, 2, 4}));
    }

    @Test
    void kdOfTheTeachersOwnLogitsIsZeroAndOfOthersPositive() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            KdDistiller kd = new KdDistiller(KdConfig.of(TEACHER), m);
            Batch b = batch(m);
            NDArray t = kd.teacher().knowledge(new ParameterStore(m, false), b.input("image")).logits();
            LossTerms same = LossTerms.of("ce", m.zeros(new Shape())).withOutput("logits", t.add(3f));
            assertEquals(0f, kd.loss(b, same, TestSteps.training(m)).terms().get("kd").getFloat(), 1e-5f);
            LossTerms other = LossTerms.of("ce", m.zeros(new Shape())).withOutput("logits",
                    m.randomNormal(new Shape(4, 5)));
            assertTrue(kd.loss(b, other, TestSteps.training(m)).terms().get("kd").getFloat() > 0f);
            assertTrue(kd.teacher().isFrozen());
        }
    }

    @Test
    void ofaTermAndMissingLogitsMessage() {
        try (NDManager m = NDManager.newBaseManager()) {
            OfaDistiller ofa = new OfaDistiller(OfaConfig.logitsOnly(TEACHER), m);
            Batch b = batch(m);
            LossTerms st = LossTerms.of("ce", m.zeros(new Shape())).withOutput("logits", m.randomNormal(
                    new Shape(4, 5)));
            assertTrue(ofa.loss(b, st, TestSteps.training(m)).terms().get("ofa-kd").getFloat() >= 0f);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ofa.loss(b, LossTerms.of("ce", m.zeros(new Shape())), TestSteps.training(m)));
            assertTrue(e.getMessage().contains("'logits'") && e.getMessage().contains("ofa"), e.getMessage());
        }
    }

    @Test
    void fitnetTrainsItsRegressorAndNotTheTeacher() {
        try (NDManager m = NDManager.newBaseManager()) {
            FitnetDistiller fit = new FitnetDistiller(FitnetConfig.of(TEACHER, 8), m);
            Batch b = batch(m);
            NDArray features = m.randomNormal(new Shape(4, 8, 2, 2));
            features.setRequiresGradient(true);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                LossTerms st = LossTerms.of("ce", m.zeros(new Shape())).withOutput("features", features.mul(1f));
                c.backward(fit.loss(b, st, TestSteps.training(m)).terms().get("fitnet"));
            }
            Block regressor = fit.trainable().orElseThrow();
            for (Parameter p : regressor.getParameters().values()) {
                assertTrue(p.getArray().getGradient().abs().sum().getFloat() > 0f, p.getName());
            }
            assertTrue(features.getGradient().abs().sum().getFloat() > 0f);
            assertTrue(fit.teacher().isFrozen());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new FitnetDistiller(new FitnetConfig(TEACHER, "image", "features", 8, "layer9", 1.0), m)
                            .initialize());
            assertTrue(e.getMessage().contains("teacherStage") && e.getMessage().contains("blocks.0"));
        }
    }

    @Test
    void teacherLoadsFromACheckpointAndRejectsAMissingOne(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(2);
            FrozenTeacher random = new FrozenTeacher(TEACHER, m, TokenPooling.CLS, "test");
            Path file = dir.resolve("teacher.safetensors");
            Checkpoints.save(random.model(), file);
            assertTrue(Files.size(file) > 0);
            Engine.getInstance().setRandomSeed(99);
            FrozenTeacher loaded = new FrozenTeacher(TEACHER.withCheckpoint(file.toString()), m, TokenPooling.CLS,
                    "test");
            NDArray x = m.randomUniform(0f, 1f, new Shape(2, 3, 16, 16));
            ParameterStore ps = new ParameterStore(m, false);
            assertEquals(random.knowledge(ps, x).logits().sub(loaded.knowledge(ps, x).logits()).abs().max()
                    .getFloat(), 0f, 1e-6f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FrozenTeacher(
                    TEACHER.withCheckpoint(dir.resolve("nope.safetensors").toString()), m, TokenPooling.CLS, "kd"));
            assertTrue(e.getMessage().contains("teacher.checkpoint"), e.getMessage());
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> loaded.checkImages(m.zeros(new Shape(2, 3, 32, 32))));
            assertTrue(shape.getMessage().contains("teacher.imageSize"), shape.getMessage());
        }
    }

    @Test
    void teacherNameMapTorchvisionReadsVitB16Names(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            FrozenTeacher random = new FrozenTeacher(TEACHER, m, TokenPooling.CLS, "test");
            // The same weights under torchvision's VisionTransformer names, renamed here by hand.
            java.util.Map<String, NDArray> torchvision = new java.util.LinkedHashMap<>();
            dev.perennial.models.ParameterNames.of(random.model()).forEach((name, p) -> torchvision.put(name
                    .replace("cls_token", "class_token").replace("pos_embed", "encoder.pos_embedding")
                    .replace("patch_embed.proj.", "conv_proj.")
                    .replaceAll("^blocks\\.(\\d+)\\.", "encoder.layers.encoder_layer_$1.")
                    .replace(".norm1.", ".ln_1.").replace(".norm2.", ".ln_2.")
                    .replace(".attn.qkv.weight", ".self_attention.in_proj_weight")
                    .replace(".attn.qkv.bias", ".self_attention.in_proj_bias")
                    .replace(".attn.proj.", ".self_attention.out_proj.")
                    .replace(".mlp.fc1.", ".mlp.0.").replace(".mlp.fc2.", ".mlp.3.")
                    .replaceAll("^norm\\.", "encoder.ln.").replaceAll("^head\\.", "heads.head."), p.getArray()));
            Path file = dir.resolve("vit_b_16-layout.safetensors");
            dev.perennial.models.io.SafetensorsWriter.write(file, torchvision);
            FrozenTeacher loaded = new FrozenTeacher(TEACHER.withCheckpoint(file.toString()).withNameMap(
                    "torchvision"), m, TokenPooling.CLS, "test");
            NDArray x = m.randomUniform(0f, 1f, new Shape(2, 3, 16, 16));
            ParameterStore ps = new ParameterStore(m, false);
            assertEquals(0f, random.knowledge(ps, x).logits().sub(loaded.knowledge(ps, x).logits()).abs().max()
                    .getFloat(), 1e-6f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ModelSpec.of("mobilenet-v2", 5, 16).withNameMap("hf"));
            assertEquals("nameMap 'hf' has no built-in map for mobilenet-v2; accepted: torchvision", e.getMessage());
        }
    }

    @Test
    void featurePoolingNeverChangesTheTeachersLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(4);
            FrozenTeacher mean = new FrozenTeacher(TEACHER, m, TokenPooling.MEAN_TOKENS, "test");
            NDArray x = m.randomUniform(0f, 1f, new Shape(2, 3, 16, 16));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray own = mean.model().forward(ps, new ai.djl.ndarray.NDList(x), false).singletonOrThrow();
            Knowledge k = mean.knowledge(ps, x);
            assertEquals(0f, k.logits().sub(own).abs().max().getFloat(), 1e-6f);
            // The feature is the mean of the patch tokens, not the class token.
            NDArray cls = ((dev.perennial.models.vit.VisionTransformer) mean.model()).forwardAll(ps, x, false)
                    .pooled();
            assertTrue(k.features().sub(cls).abs().max().getFloat() > 1e-4f);
        }
    }

    @Test
    void providersDeclareNameKindVersionAndNeedTeacher() {
        List<DistillerProvider<?>> providers = List.of(new CakdProvider(), new KdProvider(), new FitnetProvider(),
                new OfaProvider());
        assertEquals(List.of("cakd", "kd", "fitnet", "ofa"), providers.stream().map(DistillerProvider::name).toList());
        for (DistillerProvider<?> p : providers) {
            assertEquals(PluginKind.DISTILLER, p.kind());
            assertEquals(SpiVersion.CURRENT, p.spiVersion());
            assertTrue(p.capabilities().contains(Capability.NEEDS_TEACHER));
            assertTrue(p.configType().isInstance(p.defaultConfig()));
            assertTrue(!p.description().isBlank());
        }
        assertThrows(IllegalArgumentException.class, () -> new KdConfig(TEACHER, "image", 0.0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new OfaConfig(TEACHER, null, "image", -1, 1, 1, 1, List.of(),
                null));
    }
}
