package dev.perennial.llava;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.perennial.llava.image.RgbImage;
import dev.perennial.llava.text.WordLevelTokenizerFile;
import dev.perennial.models.clip.ClipVisionConfig;
import dev.perennial.models.llama.LlamaConfig;
import dev.perennial.models.nn.ActivationFunction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** The tiny LLaVA every test uses: the shape of tools/goldens/llava_goldens.py, a 40-entry word-level vocabulary. */
final class TinyLlava {
    /** Words after the 4 special tokens: enough for the Vicuna system prompt, roles and a few answers. */
    static final List<String> WORDS = List.of("USER", "ASSISTANT", ":", "A", "chat", "between", "a", "curious",
            "human", "and", "an", "artificial", "intelligence", "assistant", ".", "The", "gives", "helpful", ",",
            "detailed", "polite", "answers", "to", "the", "'", "s", "questions", "what", "is", "this", "?", "cat",
            "dog", "red", "blue", "color");

    private TinyLlava() {}

    static LlavaConfig config() {
        return LlavaConfig.of(LlamaConfig.of(40, 32, 64, 2, 4, 2, 1e-6f, 10000.0),
                new ClipVisionConfig(16, 4, 3, 24, 48, 3, 4, 1e-5f, ActivationFunction.QUICK_GELU), 3);
    }

    static LlavaModel model(NDManager manager) {
        LlavaModel model = new LlavaModel(config());
        model.initialize(manager, DataType.FLOAT32);
        return model;
    }

    static Path writeTokenizer(Path dir) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        WordLevelTokenizerFile.write(file, WORDS);
        return file;
    }

    static RgbImage image(long seed, int width, int height) {
        Random r = new Random(seed);
        byte[] rgb = new byte[width * height * 3];
        r.nextBytes(rgb);
        return new RgbImage(width, height, rgb);
    }
}
