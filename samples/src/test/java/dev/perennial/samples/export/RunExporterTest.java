package dev.perennial.samples.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.perennial.api.Perennial;
import dev.perennial.continual.llaca.LlavaInstructionLearner;
import dev.perennial.llava.LlavaBatch;
import dev.perennial.llava.LlavaCheckpoint;
import dev.perennial.llava.LlavaExport;
import dev.perennial.llava.LlavaModel;
import dev.perennial.llava.LoadOptions;
import dev.perennial.llava.LoadedLlava;
import dev.perennial.llava.PaddingSide;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19 item 2 end to end: a LoRA run of the tiny LLaVA on Mini-CoIN, exported as hf and as peft, reloaded by
 * the LLaVA loader, gives the logits of the run's model.
 */
class RunExporterTest {
    @TempDir
    Path tmp;

    private static float[] logits(LlavaModel model, NDManager manager) {
        // Text-only prompts: the same ids for every model, no image preprocessing involved.
        LlavaBatch batch = new LlavaBatch(List.of(new long[] {1, 4, 5, 6, 7, 8}, new long[] {1, 9, 10, 11}),
                Optional.empty(), Optional.empty());
        NDArray out = model.logits(new ParameterStore(manager, false), manager, batch, PaddingSide.RIGHT, false)
                .get(0);
        return out.toFloatArray();
    }

    @Test
    void hfAndPeftExportsOfALoraRunReloadToTheRunsLogits() throws Exception {
        Path runs = tmp.resolve("runs");
        Perennial.builder()
                .name("export")
                .seed(5)
                .dataset("mini-coin", Map.of("seed", 3, "imageSize", 16, "trainPerTask", 8, "testPerTask", 2,
                        "tasks", List.of("color")))
                .scenario("instruction", Map.of())
                .learner("lora-seq", Map.of("model", Map.ofEntries(Map.entry("hiddenSize", 32),
                        Map.entry("intermediateSize", 64), Map.entry("layers", 1), Map.entry("heads", 2),
                        Map.entry("visionImageSize", 16), Map.entry("visionPatchSize", 8),
                        Map.entry("visionHiddenSize", 16), Map.entry("visionLayers", 2), Map.entry("loraRank", 2),
                        Map.entry("loraAlpha", 4), Map.entry("systemPrompt", ""), Map.entry("maxNewTokens", 2))))
                .metric("coin-accuracy", Map.of())
                .training(Map.of("epochs", 1, "batchSize", 4, "learningRate", 0.05))
                .device("cpu")
                .runDirectory(runs)
                .build()
                .run();
        Path run;
        try (Stream<Path> s = Files.list(runs)) {
            run = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        try (NDManager manager = NDManager.newBaseManager()) {
            RunExporter.LoadedRun loaded = RunExporter.load(run, manager);
            LlavaInstructionLearner learner = (LlavaInstructionLearner) loaded.learner();
            assertTrue(learner.loraSetup().isPresent(), "the run applied LoRA");
            assertTrue(learner.loraSetup().get().loraParameters().entrySet().stream()
                    .anyMatch(e -> e.getKey().contains("lora_B") && e.getValue().getArray().abs().max().getFloat() > 0),
                    "trained adapters were restored (lora_B starts at zero)");
            float[] expected = logits((LlavaModel) learner.model(), manager);

            Path hf = tmp.resolve("hf");
            assertEquals(0, RunExporter.export(run, "hf", hf, errors), err.toString());
            assertTrue(Files.isRegularFile(hf.resolve("tokenizer.json")));
            try (LoadedLlava merged = LlavaCheckpoint.load(hf, LoadOptions.strict(manager))) {
                float[] actual = logits(merged.model(), manager);
                float diff = 0;
                for (int i = 0; i < expected.length; i++) {
                    diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
                }
                assertTrue(diff < 1e-5f, "hf export (LoRA merged): max |Δlogit| " + diff);
            }

            Path peft = tmp.resolve("peft");
            assertEquals(0, RunExporter.export(run, "peft", peft, errors), err.toString());
            String config = Files.readString(peft.resolve(LlavaExport.ADAPTER_CONFIG));
            assertTrue(config.contains("\"r\": 2") && config.contains("\"lora_alpha\": 4.0"), config);
            assertTrue(config.contains(peft.resolve("base").toAbsolutePath().toString().replace("\\", "\\\\")),
                    "a run built from scratch ships its base: " + config);
            try (LoadedLlava base = LlavaCheckpoint.load(peft.resolve("base"), LoadOptions.strict(manager))) {
                LlavaExport.loadPeft(base.model(), peft, true);
                assertArrayEquals(expected, logits(base.model(), manager), 0f, "base + adapter = the run's model");
            }

            assertEquals(2, RunExporter.export(run, "onnx", tmp.resolve("x"), errors));
            assertTrue(err.toString().contains("--format 'onnx' is not one of [hf, peft]"), err.toString());
            assertEquals(2, RunExporter.export(run, "hf", hf, errors), "a non-empty output folder is refused");
            assertEquals(2, RunExporter.export(tmp, "hf", tmp.resolve("y"), errors));
            assertTrue(err.toString().contains("experiment.json is missing"), err.toString());
            assertFalse(Files.exists(tmp.resolve("x")));
        }
    }
}
