package dev.perennial.llava;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.perennial.llava.image.LlavaImageProcessor;
import dev.perennial.llava.text.Conversation;
import dev.perennial.llava.text.ConversationTemplate;
import dev.perennial.llava.text.EncodedText;
import dev.perennial.llava.text.LlavaTokenizer;
import dev.perennial.llava.text.RenderedConversation;
import dev.perennial.llava.text.Turn;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Vicuna v1 template text, the offline tokenizer and the answer-only labels. */
class TemplateAndMaskingTest {
    private static final String SYSTEM = "A chat between a curious human and an artificial intelligence assistant. "
            + "The assistant gives helpful, detailed, and polite answers to the human's questions.";

    @TempDir
    Path dir;

    @Test
    void vicunaV1TextWithImageAndTwoRounds() {
        Conversation c = new Conversation(List.of(
                Turn.answered("what color is this? <image>", "red"),
                Turn.asking("what is this?")), true);
        RenderedConversation r = ConversationTemplate.vicunaV1().render(c);
        String expected = SYSTEM + " USER: <image>\nwhat color is this? ASSISTANT: red</s>USER: what is this? ASSISTANT:";
        assertEquals(expected, r.text());
        assertEquals(1, r.answerSpans().size());
        assertEquals("red</s>", expected.substring(r.answerSpans().get(0)[0], r.answerSpans().get(0)[1]));
    }

    @Test
    void tokenizerLoadsOfflineFromTheFileAndFindsTheSpecialTokens() throws IOException {
        try (LlavaTokenizer t = LlavaTokenizer.open(TinyLlava.writeTokenizer(dir), 3, 1, 2)) {
            EncodedText e = t.encode("USER: <image>\nwhat is this? ASSISTANT: a cat .</s>");
            // <s> USER : <image> what is this ? ASSISTANT : a cat . </s>
            assertArrayEquals(new long[] {1, 4, 6, 3, 31, 32, 33, 34, 5, 6, 10, 35, 18, 2}, e.ids());
            assertEquals(-1, e.starts()[0], "BOS is added by the tokenizer, not in the text");
            assertEquals("a cat .", t.decode(new long[] {10, 35, 18, 2}));
        }
        assertThrows(IllegalArgumentException.class,
                () -> LlavaTokenizer.open(TinyLlava.writeTokenizer(dir), 7, 1, 2), "<image> id must match the config");
        assertThrows(IllegalArgumentException.class, () -> LlavaTokenizer.open(dir.resolve("absent.json"), 3, 1, 2));
    }

    @Test
    void labelsKeepExactlyTheAnswersAndTheirEos() throws IOException {
        try (LlavaTokenizer t = LlavaTokenizer.open(TinyLlava.writeTokenizer(dir), 3, 1, 2);
                NDManager manager = NDManager.newBaseManager()) {
            LlavaBatchEncoder encoder = new LlavaBatchEncoder(t, ConversationTemplate.vicunaV1(),
                    LlavaImageProcessor.llava15(16), 0);
            Conversation c = new Conversation(List.of(
                    Turn.answered("what color is this?", "red ."),
                    Turn.answered("what is this?", "a dog")), true);
            RenderedConversation r = ConversationTemplate.vicunaV1().render(c);
            long[][] idsAndLabels = encoder.idsAndLabels(r);
            long[] ids = idsAndLabels[0];
            long[] labels = idsAndLabels[1];
            StringBuilder kept = new StringBuilder();
            int learned = 0;
            for (int i = 0; i < ids.length; i++) {
                if (labels[i] != LlavaBatch.IGNORE_INDEX) {
                    assertEquals(ids[i], labels[i], "a learned label is the token itself");
                    kept.append(ids[i]).append(' ');
                    learned++;
                }
            }
            // red . </s> a dog </s>
            assertEquals("37 18 2 10 36 2 ", kept.toString());
            assertEquals(6, learned);
            assertTrue(indexOf(ids, 3) > 0, "the prompt holds the image token");
            assertEquals(LlavaBatch.IGNORE_INDEX, labels[indexOf(ids, 3)], "the image token is never learned");

            LlavaBatch batch = encoder.forTraining(manager, List.of(new LlavaExample(
                    java.util.Optional.of(TinyLlava.image(1, 9, 5)), c)));
            assertArrayEquals(ids, batch.inputIds().get(0));
            assertArrayEquals(labels, batch.labels().orElseThrow().get(0));
            assertArrayEquals(new long[] {1, 3, 16, 16}, batch.pixelValues().orElseThrow().getShape().getShape());
            assertThrows(IllegalArgumentException.class, () -> encoder.forGeneration(manager, List.of(
                    new LlavaExample(java.util.Optional.of(TinyLlava.image(1, 9, 5)), c))));
        }
    }

    @Test
    void imageFeaturePositionsAreIgnoredAfterExpansion() {
        LlavaModel model = new LlavaModel(TinyLlava.config());
        long[] ids = {1, 4, 3, 5, 9};
        long[] labels = {-100, -100, -100, -100, 9};
        long[] expanded = model.expandImageTokens(ids, labels, LlavaBatch.IGNORE_INDEX);
        assertEquals(5 - 1 + 16, expanded.length);
        for (int i = 0; i < expanded.length - 1; i++) {
            assertEquals(LlavaBatch.IGNORE_INDEX, expanded[i]);
        }
        assertEquals(9, expanded[expanded.length - 1]);
        assertTrue(model.countImages(ids) == 1);
    }

    private static int indexOf(long[] a, long v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void originalLayoutSplitsAtTheImageAndInsertsMinus200() throws IOException {
        try (LlavaTokenizer t = LlavaTokenizer.open(TinyLlava.writeTokenizer(dir),
                LlavaConfigFile.ORIGINAL_IMAGE_TOKEN_INDEX, 1, 2);
                NDManager manager = NDManager.newBaseManager()) {
            EncodedText e = t.encode("USER: <image>\nwhat is this? ASSISTANT:");
            // tokenizer_image_token: BOS only on the first piece, -200 between the pieces.
            assertArrayEquals(new long[] {1, 4, 6, -200, 31, 32, 33, 34, 5, 6}, e.ids());
            assertEquals("USER: ".length(), e.starts()[3]);

            LlavaConfig c = TinyLlava.config();
            LlavaModel model = new LlavaModel(new LlavaConfig(c.text(), c.vision(), LlavaConfigFile.ORIGINAL_IMAGE_TOKEN_INDEX,
                    c.visionFeatureLayer(), c.featureSelect(), c.projectorHiddenAct(), c.projectorBias(), 1, 2, 0));
            model.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32);
            LlavaAssistant assistant = new LlavaAssistant(model, new LlavaBatchEncoder(t, ConversationTemplate.vicunaV1(),
                    LlavaImageProcessor.llava15(16), 0));
            float loss = assistant.loss(new ai.djl.training.ParameterStore(manager, false), manager,
                    List.of(LlavaExample.vqa(TinyLlava.image(4, 7, 7), "what is this?", "a cat")), false).getFloat();
            assertTrue(Float.isFinite(loss) && loss > 0, "loss " + loss);
        }
    }
}
