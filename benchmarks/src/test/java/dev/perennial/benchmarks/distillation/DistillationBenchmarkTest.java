package dev.perennial.benchmarks.distillation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.api.config.ConfigBinder;
import dev.perennial.distillation.cakd.CakdConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark's per-method distiller configurations bind to valid configurations. */
class DistillationBenchmarkTest {
    private static final Map<String, Object> TEACHER = Map.of("architecture", "vit", "numClasses", 10, "imageSize",
            16, "width", 64, "depth", 4, "heads", 2, "patchSize", 4);
    private static final Map<String, Object> STUDENT = Map.of("architecture", "resnet18", "numClasses", 10,
            "imageSize", 16, "width", 16);

    private static CakdConfig bind(Map<String, Object> config) {
        return ConfigBinder.bind(new ObjectMapper().valueToTree(config), CakdConfig.class, CakdConfig.defaults(),
                "test");
    }

    /** The issue-26 command (BENCHMARKS.md) keeps running with the shared argument parser. */
    @Test
    void theIssue26CommandsArgumentsAreAccepted() {
        String[] args = ("--data D --image-size 32 --teacher-patch 8 --teacher-per-class 1000 --teacher-epochs 12"
                + " --per-class 150 --epochs 10 --seeds 3 --students resnet18 --methods"
                + " none,kd,fitnet,ofa,cakd,cakd-tuned --teacher F --out O").split(" ");
        assertEquals(12, dev.perennial.benchmarks.BenchmarkArgs.parse(args, DistillationBenchmark.ARGUMENTS).size());
        String m = assertThrows(IllegalArgumentException.class, () -> dev.perennial.benchmarks.BenchmarkArgs.parse(
                new String[] {"--student", "resnet18"}, DistillationBenchmark.ARGUMENTS)).getMessage();
        assertTrue(m.startsWith("unknown argument --student;"), m);
    }

    @Test
    void cakdBankSizesTheBankToTheTrainingImages() {
        assertEquals("cakd", DistillationBenchmark.pluginOf("cakd-bank"));
        CakdConfig small = bind(DistillationBenchmark.distillerConfig("cakd-bank", TEACHER, STUDENT, "resnet18", 16,
                1500, 240));
        assertEquals("memory-bank", small.infoNceMode());
        assertEquals(1500, small.memoryBankSize());
        // Fewer images than CRD's 16,384 negatives: every other sample is a negative.
        assertEquals(1499, small.memoryBankNegatives());
        CakdConfig large = bind(DistillationBenchmark.distillerConfig("cakd-bank", TEACHER, STUDENT, "resnet18", 16,
                50_000, 240));
        assertEquals(16_384, large.memoryBankNegatives());
        CakdConfig plain = bind(DistillationBenchmark.distillerConfig("cakd", TEACHER, STUDENT, "resnet18", 16, 1500,
                240));
        assertEquals("in-batch", plain.infoNceMode());
    }

    @Test
    void cakdTunedIsTheBestAblationConfigurationWithAQuarterWarmup() {
        assertEquals("cakd", DistillationBenchmark.pluginOf("cakd-tuned"));
        CakdConfig tuned = bind(DistillationBenchmark.distillerConfig("cakd-tuned", TEACHER, STUDENT, "resnet18", 16,
                1500, 240));
        assertEquals("initial", tuned.lossScaling());
        assertEquals(60, tuned.warmupSteps());
        assertEquals("cls", tuned.vitPooling());
        CakdConfig plain = bind(DistillationBenchmark.distillerConfig("cakd", TEACHER, STUDENT, "resnet18", 16, 1500,
                240));
        assertEquals(0, plain.warmupSteps());
        assertEquals("mean-tokens", plain.vitPooling());
    }

    @Test
    void methodsAreNamed() {
        assertNull(DistillationBenchmark.distillerConfig("none", TEACHER, STUDENT, "resnet18", 16, 1500, 240));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DistillationBenchmark.distillerConfig("crd", TEACHER, STUDENT, "resnet18", 16, 1500, 240));
        assertTrue(e.getMessage().contains("--methods") && e.getMessage().contains("cakd-bank"), e.getMessage());
    }

    @Test
    void ofaHasItsStageHeadsAndOfaLogitsHasNone() {
        dev.perennial.distillation.ofa.OfaConfig ofa = ConfigBinder.bind(new ObjectMapper().valueToTree(
                DistillationBenchmark.distillerConfig("ofa", TEACHER, STUDENT, "resnet18", 16, 1500, 240)),
                dev.perennial.distillation.ofa.OfaConfig.class, new dev.perennial.distillation.ofa.OfaProvider()
                        .defaultConfig(), "test");
        assertEquals(java.util.List.of(1, 2, 3, 4), ofa.stages());
        assertEquals(STUDENT.get("architecture"), ofa.student().architecture());
        assertEquals("ofa", DistillationBenchmark.pluginOf("ofa-logits"));
        dev.perennial.distillation.ofa.OfaConfig logits = ConfigBinder.bind(new ObjectMapper().valueToTree(
                DistillationBenchmark.distillerConfig("ofa-logits", TEACHER, STUDENT, "resnet18", 16, 1500, 240)),
                dev.perennial.distillation.ofa.OfaConfig.class, new dev.perennial.distillation.ofa.OfaProvider()
                        .defaultConfig(), "test");
        assertTrue(logits.stages().isEmpty());
        assertTrue(bind(DistillationBenchmark.distillerConfig("cakd", TEACHER, STUDENT, "mobilenet-v2", 16, 1500, 240))
                .allowPointStageMap());
    }
}
