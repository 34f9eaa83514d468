package dev.perennial.continual.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.perennial.continual.baseline.FinetuneProvider;
import dev.perennial.continual.net.BackboneConfig;
import dev.perennial.continual.net.ClassifierNet;
import dev.perennial.continual.ptm.PtmBackboneConfig;
import dev.perennial.continual.ptm.TinyPtm;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.vit.VisionTransformer;
import dev.perennial.spi.Learner;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.ScenarioInfo;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ptm-vit} backbone of the from-scratch learners: the same weights as the PTM learners' loader gives,
 * bit for bit, in finetune (baseline), er (rehearsal) and gdumb (whose later tasks restart from the checkpoint);
 * freezing; one-line errors naming the field.
 */
class PtmVitBackboneTest {
    @TempDir
    Path dir;

    private static PluginContext context(NDManager m, Path dir) {
        ScenarioInfo scenario = new ScenarioInfo("tiny", List.of("a", "b", "c", "d"), ReplayFixtures.TASKS,
                Map.of("image", new long[] {3, TinyPtm.SIZE, TinyPtm.SIZE}));
        return TinyPtm.context(m, scenario, dir);
    }

    /** The PTM learners' backbone: a plain ViT loaded by {@link PtmBackboneConfig#loadPretrained}. */
    private static Map<String, Parameter> ptmLearnersBackbone(PtmBackboneConfig vit, NDManager m) {
        Engine.getInstance().setRandomSeed(77);
        VisionTransformer ptm = new VisionTransformer(vit.vitConfig(false));
        ptm.initialize(m, DataType.FLOAT32, new Shape(1, 3, TinyPtm.SIZE, TinyPtm.SIZE));
        vit.loadPretrained(ptm, "simplecil");
        return ParameterNames.of(ptm);
    }

    private static void assertSameBits(Map<String, Parameter> expected, ClassifierNet net, String what) {
        Map<String, Parameter> got = ParameterNames.of(net.backbone());
        assertEquals(expected.keySet(), got.keySet(), what);
        for (Map.Entry<String, Parameter> e : expected.entrySet()) {
            float[] a = e.getValue().getArray().toFloatArray();
            float[] b = got.get(e.getKey()).getArray().toFloatArray();
            int[] ia = new int[a.length];
            int[] ib = new int[b.length];
            for (int i = 0; i < a.length; i++) {
                ia[i] = Float.floatToRawIntBits(a[i]);
            }
            for (int i = 0; i < b.length; i++) {
                ib[i] = Float.floatToRawIntBits(b[i]);
            }
            assertTrue(Arrays.equals(ia, ib), what + ": " + e.getKey() + " differs from the PTM learners' load");
        }
    }

    @Test
    void finetuneErAndGdumbStartFromTheCheckpointBitForBitAsThePtmLearnersLoadIt() throws Exception {
        Path file = TinyPtm.writeCheckpoint(dir, 5);
        PtmBackboneConfig vit = TinyPtm.backbone(file.toString(), "adapter");
        BackboneConfig backbone = BackboneConfig.ptmVit(vit, "none");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, Parameter> reference = ptmLearnersBackbone(vit, m);

            Learner finetune = new FinetuneProvider().create(new FinetuneProvider.Config(backbone), context(m, dir));
            Engine.getInstance().setRandomSeed(3);
            finetune.beforeTask(ReplayFixtures.TASKS.get(0), ReplayFixtures.noData(ReplayFixtures.TASKS.get(0)));
            assertSameBits(reference, (ClassifierNet) finetune.model(), "finetune");

            Learner er = new ErProvider().create(new ErProvider.Config(backbone, new MemoryConfig(6, "reservoir", 4,
                    false), "none"), context(m, dir));
            ReplayFixtures.begin((RehearsalLearner) er, 0, m);
            assertSameBits(reference, (ClassifierNet) er.model(), "er");

            GdumbProvider.GdumbLearner g = new GdumbProvider.GdumbLearner(context(m, dir), new GdumbProvider.Config(
                    backbone, new MemoryConfig(6, "class-balanced", 4, false), "every-task", "none"));
            ReplayFixtures.begin(g, 0, m);
            for (Parameter p : g.model().getParameters().values()) {
                p.getArray().addi(1f);
            }
            ReplayFixtures.begin(g, 1, m);
            assertSameBits(reference, (ClassifierNet) g.model(), "gdumb's second task restarts from the checkpoint");
        }
    }

    @Test
    void aRandomVitIsNotWhatTheCheckpointHolds() throws Exception {
        // The comparison above can fail: a ViT that is not loaded differs from the checkpoint.
        Path file = TinyPtm.writeCheckpoint(dir, 5);
        PtmBackboneConfig vit = TinyPtm.backbone(file.toString(), "adapter");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, Parameter> reference = ptmLearnersBackbone(vit, m);
            ClassifierNet random = new ClassifierNet(BackboneConfig.ptmVit(vit, "none").build(), 4);
            Engine.getInstance().setRandomSeed(3);
            random.initialize(m, DataType.FLOAT32, new Shape(1, 3, TinyPtm.SIZE, TinyPtm.SIZE));
            assertThrows(AssertionError.class, () -> assertSameBits(reference, random, "random"));
        }
    }

    @Test
    void freezeAllFixesTheVitAndBlocksBelowKFixesTheEmbeddingsAndTheFirstKBlocks() throws Exception {
        Path file = TinyPtm.writeCheckpoint(dir, 5);
        PtmBackboneConfig vit = TinyPtm.backbone(file.toString(), "adapter");
        try (NDManager m = NDManager.newBaseManager()) {
            Learner all = new FinetuneProvider().create(new FinetuneProvider.Config(BackboneConfig.ptmVit(vit, "all")),
                    context(m, dir));
            all.beforeTask(ReplayFixtures.TASKS.get(0), ReplayFixtures.noData(ReplayFixtures.TASKS.get(0)));
            ClassifierNet net = (ClassifierNet) all.model();
            ParameterNames.of(net.backbone()).forEach((name, p) -> assertFalse(p.requiresGradient(), name));
            ParameterNames.of(net).forEach((name, p) -> assertEquals(!name.startsWith("backbone."),
                    p.requiresGradient(), name));

            Learner one = new FinetuneProvider().create(new FinetuneProvider.Config(BackboneConfig.ptmVit(vit,
                    "blocks<1")), context(m, dir));
            one.beforeTask(ReplayFixtures.TASKS.get(0), ReplayFixtures.noData(ReplayFixtures.TASKS.get(0)));
            Map<String, Parameter> p = ParameterNames.of(((ClassifierNet) one.model()).backbone());
            int frozen = 0;
            for (Map.Entry<String, Parameter> e : p.entrySet()) {
                boolean early = e.getKey().startsWith("blocks.0.") || e.getKey().startsWith("patch_embed.")
                        || e.getKey().equals("cls_token") || e.getKey().equals("pos_embed");
                assertEquals(!early, e.getValue().requiresGradient(), e.getKey());
                frozen += early ? 1 : 0;
            }
            assertTrue(frozen > 4 && frozen < p.size(), "some frozen, some not: " + frozen + " of " + p.size());
        }
    }

    @Test
    void aMissingCheckpointIsAOneLineErrorNamingTheField() {
        BackboneConfig backbone = BackboneConfig.ptmVit(TinyPtm.backbone(dir.resolve("nope.safetensors").toString(),
                "adapter"), "none");
        try (NDManager m = NDManager.newBaseManager()) {
            Learner er = new ErProvider().create(new ErProvider.Config(backbone, new MemoryConfig(6, "reservoir", 4,
                    false), "none"), context(m, dir));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ReplayFixtures.begin((RehearsalLearner) er, 0, m));
            assertTrue(e.getMessage().startsWith("er: backbone.vit.checkpoint '") && e.getMessage().contains(
                    "nope.safetensors") && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void aCheckpointOfAnotherShapeIsAOneLineErrorNamingTheField() throws Exception {
        Path file = TinyPtm.writeCheckpoint(dir, 5);
        // The file is D 16; the config says D 32.
        PtmBackboneConfig wide = TinyPtm.backbone(file.toString(), "adapter").withArchitecture(file.toString(),
                TinyPtm.SIZE, 4, 32, 1, 2);
        try (NDManager m = NDManager.newBaseManager()) {
            Learner f = new FinetuneProvider().create(new FinetuneProvider.Config(BackboneConfig.ptmVit(wide, "none")),
                    context(m, dir));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> f.beforeTask(ReplayFixtures.TASKS.get(0), ReplayFixtures.noData(ReplayFixtures.TASKS.get(0))));
            assertTrue(e.getMessage().startsWith("finetune: backbone.vit.checkpoint '") && e.getMessage().contains(
                    "embedDim 32") && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void badValuesAreRefusedWithTheFieldNamed() {
        PtmBackboneConfig vit = TinyPtm.backbone("", "adapter");
        IllegalArgumentException dim = assertThrows(IllegalArgumentException.class,
                () -> new BackboneConfig("ptm-vit", 1, 64, vit, "none"));
        assertTrue(dim.getMessage().contains("backbone.featureDim") && dim.getMessage().contains("16"),
                dim.getMessage());
        IllegalArgumentException freeze = assertThrows(IllegalArgumentException.class,
                () -> BackboneConfig.ptmVit(vit, "blocks<2"));
        assertTrue(freeze.getMessage().contains("backbone.freeze") && freeze.getMessage().contains("blocks<k"),
                freeze.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> new BackboneConfig("ptm-vit", 1, 16, null, "none"));
        assertTrue(none.getMessage().contains("backbone.vit"), none.getMessage());
        IllegalArgumentException cnn = assertThrows(IllegalArgumentException.class,
                () -> new BackboneConfig("small-cnn", 2, 8, null, "all"));
        assertTrue(cnn.getMessage().contains("backbone.freeze"), cnn.getMessage());
        try (NDManager m = NDManager.newBaseManager()) {
            // ReplayFixtures' scenario has 1×8×8 images: the ViT takes 3 channels.
            IllegalArgumentException image = assertThrows(IllegalArgumentException.class,
                    () -> new ErProvider().create(new ErProvider.Config(BackboneConfig.ptmVit(vit, "none"),
                            new MemoryConfig(6, "reservoir", 4, false), "none"), ReplayFixtures.context(m)));
            assertTrue(image.getMessage().contains("backbone.vit.imageSize"), image.getMessage());
        }
    }
}
