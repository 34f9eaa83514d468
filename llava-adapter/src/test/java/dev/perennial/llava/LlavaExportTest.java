package dev.perennial.llava;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.perennial.llava.image.LlavaImageProcessor;
import dev.perennial.llava.text.ConversationTemplate;
import dev.perennial.llava.text.LlavaTokenizer;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.models.io.SafetensorsFile;
import dev.perennial.models.io.TensorSource;
import dev.perennial.models.pet.LoraConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 19 item 2: hf (LoRA merged) and PEFT exports, and the PEFT adapter loaded back onto its base. */
class LlavaExportTest {
    @TempDir
    Path dir;

    private static float[] logits(LlavaModel model, NDManager manager, LlavaBatch batch) {
        return model.logits(new ParameterStore(manager, false), manager, batch, PaddingSide.RIGHT, false).get(0)
                .toFloatArray();
    }

    @Test
    void exportsRoundTripToTheSameLogits() throws IOException {
        Path tokenizerFile = TinyLlava.writeTokenizer(dir);
        try (NDManager manager = NDManager.newBaseManager();
                LlavaTokenizer tokenizer = LlavaTokenizer.open(tokenizerFile, 3, 1, 2)) {
            LlavaModel model = TinyLlava.model(manager.newSubManager());
            Path base = dir.resolve("base");
            LlavaCheckpoint.write(model, CheckpointLayout.LLAVA_HF, base, Long.MAX_VALUE);
            Files.copy(tokenizerFile, base.resolve("tokenizer.json"));
            LlavaLoraSetup setup = LlavaLoraSetup.apply(model, new LoraConfig(4, 8f, 0.05f,
                    List.of("q_proj", "v_proj", "down_proj"), Optional.empty(), false), true);
            // A trained adapter: B is zero at initialisation, which would make every export trivially right.
            setup.loraParameters().values().forEach(p -> {
                NDArray a = p.getArray();
                a.getManager().randomNormal(0f, 0.3f, a.getShape(), a.getDataType()).copyTo(a);
            });
            NDArray w = setup.projectorParameters().get("multi_modal_projector.linear_1.weight").getArray();
            w.addi(w.getManager().randomNormal(0f, 0.1f, w.getShape(), w.getDataType()));
            LlavaBatch batch = new LlavaBatchEncoder(tokenizer, ConversationTemplate.vicunaV1(),
                    LlavaImageProcessor.llava15(16), 0).forGeneration(manager, List.of(
                            LlavaExample.prompt(TinyLlava.image(1, 9, 5), "what is this?"),
                            LlavaExample.prompt(TinyLlava.image(2, 6, 6), "what color is this?")));
            float[] tuned = logits(model, manager, batch);

            Path hf = dir.resolve("hf");
            LlavaExport.writeHf(model, Optional.of(setup.lora()), Optional.of(tokenizerFile), hf, 20_000);
            assertTrue(Files.isRegularFile(hf.resolve(Checkpoints.INDEX_FILE)), "sharded with an index");
            assertTrue(Files.isRegularFile(hf.resolve("tokenizer.json")));
            try (TensorSource s = Checkpoints.open(hf)) {
                assertFalse(s.names().stream().anyMatch(n -> n.contains("lora_")), "LoRA merged, not saved");
                assertTrue(s.names().contains("language_model.model.layers.1.self_attn.q_proj.weight"));
            }
            try (LoadedLlava merged = LlavaCheckpoint.load(hf, LoadOptions.strict(manager))) {
                float[] reloaded = logits(merged.model(), manager, batch);
                float diff = 0;
                for (int i = 0; i < tuned.length; i++) {
                    diff = Math.max(diff, Math.abs(tuned[i] - reloaded[i]));
                }
                // W0 + s·B·A summed once instead of at every forward: equal up to float32 rounding.
                assertTrue(diff < 1e-5f, "merged export: max |Δlogit| " + diff);
            }

            Path peft = dir.resolve("peft");
            LlavaExport.writePeft(model, setup.lora(), base.toString(), true, peft);
            String config = Files.readString(peft.resolve("adapter_config.json"));
            for (String field : List.of("\"peft_type\": \"LORA\"", "\"r\": 4", "\"lora_alpha\": 8.0",
                    "\"lora_dropout\": 0.05", "\"target_modules\": [", "\"down_proj\"",
                    "\"base_model_name_or_path\": \"" + base.toString().replace("\\", "\\\\") + "\"")) {
                assertTrue(config.contains(field), field + " in " + config);
            }
            try (SafetensorsFile f = SafetensorsFile.open(peft.resolve("adapter_model.safetensors"))) {
                assertTrue(f.names().contains(
                        "base_model.model.language_model.model.layers.0.self_attn.q_proj.lora_A.weight"), "" + f.names());
                assertTrue(f.names().contains("base_model.model.multi_modal_projector.linear_1.weight"));
                assertEquals(2 * 3 * 2 + 4, f.names().size(), "2 layers x 3 modules x (A, B) + projector");
            }
            try (LoadedLlava reloaded = LlavaCheckpoint.load(base, LoadOptions.strict(manager))) {
                float[] before = logits(reloaded.model(), manager, batch);
                assertFalse(java.util.Arrays.equals(tuned, before), "the base alone differs from the tuned model");
                LlavaExport.loadPeft(reloaded.model(), peft, true);
                assertArrayEquals(tuned, logits(reloaded.model(), manager, batch), 0f,
                        "base + PEFT adapter = the tuned model, exactly");
            }
        }
    }

    @Test
    void aMissingOrForeignAdapterConfigIsAClearError() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            LlavaModel model = TinyLlava.model(manager.newSubManager());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LlavaExport.loadPeft(model, dir, true));
            assertTrue(e.getMessage().contains("adapter_config.json is missing"), e.getMessage());
            Files.writeString(dir.resolve("adapter_config.json"), "{\"peft_type\": \"IA3\", \"target_modules\": []}");
            e = assertThrows(IllegalArgumentException.class, () -> LlavaExport.loadPeft(model, dir, true));
            assertTrue(e.getMessage().contains("peft_type is 'IA3'; accepted: LORA"), e.getMessage());
        }
    }
}
