package dev.perennial.continual.vqa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.spi.DatasetException;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import dev.perennial.spi.Scenario;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LLaVA instruction JSON source: CoIN's annotation format read as it is. */
class LlavaInstructionJsonTest {
    @TempDir
    Path dir;

    @Test
    void readsQuestionAnswerAndAPaddedSquareImage() throws IOException {
        BufferedImage wide = new BufferedImage(8, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                wide.setRGB(x, y, 0xFF0000);
            }
        }
        Files.createDirectories(dir.resolve("img"));
        ImageIO.write(wide, "png", dir.resolve("img/a.png").toFile());
        String json = """
                [{"id": "q1", "image": "a.png", "conversations": [
                   {"from": "human", "value": "<image>\\nWhat color is it?\\nAnswer the question using a single word."},
                   {"from": "gpt", "value": "Red"},
                   {"from": "human", "value": "And now?"}, {"from": "gpt", "value": "ignored"}]}]
                """;
        Files.writeString(dir.resolve("train.json"), json);
        Files.writeString(dir.resolve("test.json"), json);
        LlavaInstructionJson source = LlavaInstructionJson.open(new LlavaInstructionJsonProvider.Config(
                dir.resolve("img").toString(), List.of(new LlavaInstructionJsonProvider.TaskFiles("VizWiz",
                        dir.resolve("train.json").toString(), dir.resolve("test.json").toString(), null)), 8));
        Example e = source.train().get(0);
        assertEquals("What color is it?\nAnswer the question using a single word.", e.texts().get("question"));
        assertEquals("Red", e.texts().get("answer"));
        assertEquals("VizWiz", e.texts().get("task"));
        assertEquals("exact", e.texts().get("scorer"));
        float[] img = ((Feature.Floats) e.features().get("image")).values();
        assertEquals(3 * 8 * 8, img.length);
        // the 8×4 image is centred on an 8×8 square: rows 0-1 are padding (CLIP mean), rows 2-5 red
        assertEquals(122 / 255f, img[0], 1e-6);
        assertEquals(1f, img[3 * 8 + 3], 0.02);
        assertEquals(0f, img[64 + 3 * 8 + 3], 0.02);
        Scenario s = InstructionScenarioProvider.split(source, new InstructionScenarioProvider.Config(List.of(), false));
        assertEquals("VizWiz", s.tasks().get(0).info().name());
    }

    @Test
    void promptsWithTheExpandedImageTokenRunGiveTheSameQuestion() {
        // transformers >= 4.47 processors write the image token image_seq_length (576) times; issue 19.
        LlavaInstructionJsonProvider.TaskFiles task = new LlavaInstructionJsonProvider.TaskFiles("t", "a", "b", null);
        String single = "{\"image\": \"x.png\", \"conversations\": [{\"from\": \"human\", \"value\": "
                + "\"<image>\\nWhat is it?\"}, {\"from\": \"gpt\", \"value\": \"A cat\"}]}";
        String expanded = single.replace("<image>", "<image>".repeat(576));
        LlavaInstructionJson.Entry a = LlavaInstructionJson.entry(com.google.gson.JsonParser.parseString(single),
                "f.json", 0, task);
        LlavaInstructionJson.Entry b = LlavaInstructionJson.entry(com.google.gson.JsonParser.parseString(expanded),
                "f.json", 0, task);
        assertEquals("What is it?", a.question());
        assertEquals(a, b);
    }

    @Test
    void errorsNameTheFileAndEntry() throws IOException {
        Files.createDirectories(dir.resolve("img"));
        Files.writeString(dir.resolve("bad.json"), "[{\"id\": \"x\", \"image\": \"none.png\", \"conversations\": "
                + "[{\"from\": \"gpt\", \"value\": \"no question\"}]}]");
        Files.writeString(dir.resolve("ok.json"), "[{\"id\": \"y\", \"image\": \"none.png\", \"conversations\": "
                + "[{\"from\": \"human\", \"value\": \"q\"}, {\"from\": \"gpt\", \"value\": \"a\"}]}]");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LlavaInstructionJson.open(
                new LlavaInstructionJsonProvider.Config(dir.resolve("img").toString(), List.of(
                        new LlavaInstructionJsonProvider.TaskFiles("t", dir.resolve("bad.json").toString(),
                                dir.resolve("ok.json").toString(), AnswerScorer.CHOICE)), 8)));
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("id x"), e.getMessage());
        LlavaInstructionJson ok = LlavaInstructionJson.open(new LlavaInstructionJsonProvider.Config(
                dir.resolve("img").toString(), List.of(new LlavaInstructionJsonProvider.TaskFiles("t",
                        dir.resolve("ok.json").toString(), dir.resolve("ok.json").toString(), null)), 8));
        DatasetException missing = assertThrows(DatasetException.class, () -> ok.train().get(0));
        assertTrue(missing.getMessage().contains("none.png"), missing.getMessage());
    }
}
