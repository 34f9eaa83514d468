package dev.perennial.llava;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.perennial.llava.generate.GenerationConfig;
import dev.perennial.llava.generate.GenerationResult;
import dev.perennial.llava.generate.LlavaGenerator;
import dev.perennial.llava.image.LlavaImageProcessor;
import dev.perennial.llava.text.ConversationTemplate;
import dev.perennial.llava.text.LlavaTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19 item 1: the expanded image-token form of transformers ≥ 4.47 processors (a run of image_seq_length image
 * ids per image) gives exactly what the single-token form gives.
 */
class ExpandedImageTokensTest {
    @TempDir
    Path dir;

    /** Replaces every single image id by a run of {@code t} of them. */
    private static long[] expand(long[] ids, long image, int t) {
        List<Long> out = new ArrayList<>();
        for (long id : ids) {
            for (int k = 0; k < (id == image ? t : 1); k++) {
                out.add(id);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static long[] expandLabels(long[] ids, long[] labels, long image, int t) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            for (int k = 0; k < (ids[i] == image ? t : 1); k++) {
                out.add(labels[i]);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static LlavaBatch expanded(LlavaBatch single, long image, int t) {
        List<long[]> ids = single.inputIds().stream().map(s -> expand(s, image, t)).toList();
        Optional<List<long[]>> labels = single.labels().map(l -> {
            List<long[]> out = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                out.add(expandLabels(single.inputIds().get(i), l.get(i), image, t));
            }
            return out;
        });
        return new LlavaBatch(ids, labels, single.pixelValues());
    }

    @Test
    void bothFormsGiveIdenticalLogitsLossAndAnswers() throws IOException {
        try (NDManager manager = NDManager.newBaseManager();
                LlavaTokenizer tokenizer = LlavaTokenizer.open(TinyLlava.writeTokenizer(dir), 3, 1, 2)) {
            LlavaModel model = TinyLlava.model(manager.newSubManager());
            int t = model.config().imageFeatureTokens();
            assertEquals(16, t);
            LlavaBatchEncoder encoder = new LlavaBatchEncoder(tokenizer, ConversationTemplate.vicunaV1(),
                    LlavaImageProcessor.llava15(16), 0);
            ParameterStore store = new ParameterStore(manager, false);
            List<LlavaExample> train = List.of(
                    LlavaExample.vqa(TinyLlava.image(1, 9, 5), "what is this?", "a cat"),
                    LlavaExample.vqa(TinyLlava.image(2, 6, 6), "what color is this?", "red ."));
            LlavaBatch single = encoder.forTraining(manager, train);
            LlavaBatch full = expanded(single, 3, t);
            assertEquals(single.inputIds().get(0).length + t - 1, full.inputIds().get(0).length);

            for (PaddingSide side : PaddingSide.values()) {
                NDArray a = model.logits(store, manager, single, side, false).get(0);
                NDArray b = model.logits(store, manager, full, side, false).get(0);
                assertArrayEquals(a.getShape().getShape(), b.getShape().getShape());
                assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 0f, "logits, " + side + " padding");
            }
            float lossSingle = model.answerLoss(store, manager, single, false).getFloat();
            float lossFull = model.answerLoss(store, manager, full, false).getFloat();
            assertTrue(Float.isFinite(lossSingle));
            assertEquals(lossSingle, lossFull, 0f);

            List<LlavaExample> prompts = List.of(
                    LlavaExample.prompt(TinyLlava.image(1, 9, 5), "what is this?"),
                    LlavaExample.prompt(TinyLlava.image(2, 4, 11), "what color is this?"));
            LlavaBatch prompt = encoder.forGeneration(manager, prompts);
            LlavaGenerator generator = new LlavaGenerator(model, tokenizer);
            List<GenerationResult> x = generator.generate(manager, prompt, GenerationConfig.greedy(6));
            List<GenerationResult> y = generator.generate(manager, expanded(prompt, 3, t), GenerationConfig.greedy(6));
            for (int i = 0; i < prompts.size(); i++) {
                assertTrue(x.get(i).tokenIds().length > 0);
                assertArrayEquals(x.get(i).tokenIds(), y.get(i).tokenIds(), "sample " + i);
            }
        }
    }

    @Test
    void runsAreSplitIntoImagesAndOddRunsAreRejected() {
        LlavaModel model = new LlavaModel(TinyLlava.config());
        long[] twoExpanded = expand(new long[] {1, 3, 3, 9}, 3, 16);
        assertEquals(2, model.countImages(twoExpanded), "a run of 2 × image_seq_length ids is two images");
        assertEquals(2, model.countImages(new long[] {1, 3, 9, 3}), "two single tokens");
        assertEquals(2, model.countImages(new long[] {1, 3, 3, 9}), "two adjacent single tokens");
        long[] labels = new long[twoExpanded.length];
        java.util.Arrays.fill(labels, 7);
        assertEquals(twoExpanded.length, model.expandImageTokens(twoExpanded, labels, -100).length,
                "the expanded form keeps its length");
        long[] odd = expand(new long[] {1, 3, 9}, 3, 20);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.countImages(odd));
        assertTrue(e.getMessage().contains("image_seq_length 16"), e.getMessage());
    }

    @Test
    void aCountThatFitsNoImageCountIsTheClearError() throws IOException {
        try (NDManager manager = NDManager.newBaseManager();
                LlavaTokenizer tokenizer = LlavaTokenizer.open(TinyLlava.writeTokenizer(dir), 3, 1, 2)) {
            LlavaModel model = TinyLlava.model(manager.newSubManager());
            LlavaBatchEncoder encoder = new LlavaBatchEncoder(tokenizer, ConversationTemplate.vicunaV1(),
                    LlavaImageProcessor.llava15(16), 0);
            LlavaBatch single = encoder.forGeneration(manager,
                    List.of(LlavaExample.prompt(TinyLlava.image(1, 9, 5), "what is this?")));
            ParameterStore store = new ParameterStore(manager, false);
            LlavaBatch five = expanded(single, 3, 5);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.logits(store, manager, five, PaddingSide.RIGHT, false));
            assertTrue(e.getMessage().contains("stand for 5 images but 1 images were given"), e.getMessage());
            LlavaBatch seventeen = expanded(single, 3, 17);
            e = assertThrows(IllegalArgumentException.class,
                    () -> model.logits(store, manager, seventeen, PaddingSide.RIGHT, false));
            assertTrue(e.getMessage().startsWith("llava: sample 0: a run of 17 image tokens"), e.getMessage());
        }
    }

    @Test
    void configJsonImageSeqLengthIsReadAndChecked() throws IOException {
        Path config = dir.resolve("config.json");
        LlavaConfigFile.write(TinyLlava.config(), CheckpointLayout.LLAVA_HF, config);
        assertTrue(Files.readString(config).contains("\"image_seq_length\": 16"));
        assertEquals(TinyLlava.config(), LlavaConfigFile.read(config, Optional.empty()).config());
        Files.writeString(config, Files.readString(config).replace("\"image_seq_length\": 16",
                "\"image_seq_length\": 576"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LlavaConfigFile.read(config, Optional.empty()));
        assertTrue(e.getMessage().contains("image_seq_length is 576 but the vision tower gives 16"), e.getMessage());
    }
}
