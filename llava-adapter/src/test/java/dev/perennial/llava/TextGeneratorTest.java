package dev.perennial.llava;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.perennial.llava.generate.FinishReason;
import dev.perennial.llava.generate.GenerationConfig;
import dev.perennial.llava.generate.GenerationResult;
import dev.perennial.llava.generate.LlavaGenerator;
import dev.perennial.llava.generate.TextGenerator;
import dev.perennial.llava.text.LlavaTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 19 item 3: text-only generation from the LLaMA decoder, sharing LlavaGenerator's loop. */
class TextGeneratorTest {
    @TempDir
    Path dir;

    private NDManager manager;
    private LlavaModel model;
    private TextGenerator text;
    private final List<long[]> prompts = List.of(new long[] {1, 4, 6, 31, 32, 33, 34, 5, 6},
            new long[] {1, 4, 6, 31, 5, 6});

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        model = TinyLlava.model(manager.newSubManager());
        text = new TextGenerator(model.languageModel(), 2, 0, ids -> java.util.Arrays.toString(ids));
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private List<GenerationResult> run(GenerationConfig config) {
        try (NDManager step = manager.newSubManager()) {
            return text.generate(step, prompts, config);
        }
    }

    @Test
    void greedyMatchesTheLlavaGeneratorOnTextOnlyPromptsWithAndWithoutCache() throws IOException {
        List<GenerationResult> a = run(GenerationConfig.greedy(8));
        List<GenerationResult> noCache = run(GenerationConfig.greedy(8).withCache(false));
        try (LlavaTokenizer tokenizer = LlavaTokenizer.open(TinyLlava.writeTokenizer(dir), 3, 1, 2);
                NDManager step = manager.newSubManager()) {
            List<GenerationResult> llava = new LlavaGenerator(model, tokenizer)
                    .generate(step, new LlavaBatch(prompts, Optional.empty(), Optional.empty()),
                            GenerationConfig.greedy(8));
            for (int i = 0; i < prompts.size(); i++) {
                assertArrayEquals(a.get(i).tokenIds(), noCache.get(i).tokenIds(), "sample " + i + " cache");
                assertArrayEquals(llava.get(i).tokenIds(), a.get(i).tokenIds(), "sample " + i + " vs LlavaGenerator");
            }
        }
        List<GenerationResult> alone = run(GenerationConfig.greedy(8));
        assertArrayEquals(alone.get(1).tokenIds(), a.get(1).tokenIds());
    }

    @Test
    void stopIdsMinNewTokensAndIgnoredEos() {
        GenerationResult free = run(GenerationConfig.greedy(6).withIgnoreEos(true)).get(0);
        assertEquals(6, free.tokenIds().length);
        long first = free.tokenIds()[0];
        // The greedy first token as EOS: generation ends at once unless a minimum or ignored EOS says otherwise.
        TextGenerator eosIsFirst = new TextGenerator(model.languageModel(), first, 0, ids -> "");
        try (NDManager step = manager.newSubManager()) {
            GenerationResult ended = eosIsFirst.generate(step, prompts, GenerationConfig.greedy(6)).get(0);
            assertEquals(FinishReason.EOS, ended.finishReason());
            assertEquals(0, ended.tokenIds().length);
            GenerationResult min = eosIsFirst.generate(step, prompts, GenerationConfig.greedy(6).withMinNewTokens(3))
                    .get(0);
            assertTrue(min.tokenIds().length >= 3, "minNewTokens 3 gave " + min.tokenIds().length);
            for (int k = 0; k < 3; k++) {
                assertNotEquals(first, min.tokenIds()[k], "EOS is impossible before minNewTokens");
            }
            GenerationResult ignored = eosIsFirst.generate(step, prompts, GenerationConfig.greedy(6)
                    .withIgnoreEos(true)).get(0);
            assertEquals(FinishReason.MAX_TOKENS, ignored.finishReason());
            assertArrayEquals(free.tokenIds(), ignored.tokenIds(), "ignored EOS is an ordinary token");
        }
        // The stop id is the greedy first token, the EOS another id (the random model may well pick id 2 first).
        TextGenerator otherEos = new TextGenerator(model.languageModel(), first == 2 ? 1 : 2, 0, ids -> "");
        GenerationResult stopped;
        try (NDManager step = manager.newSubManager()) {
            stopped = otherEos.generate(step, prompts, GenerationConfig.greedy(6).withStopIds(List.of(first))).get(0);
        }
        assertEquals(FinishReason.STOP_TOKEN, stopped.finishReason());
        assertEquals(0, stopped.tokenIds().length);
    }

    @Test
    void badPromptsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> text.generate(manager, List.of(new long[] {1, 40}), GenerationConfig.greedy(2)));
        assertTrue(e.getMessage().contains("prompt 0 position 1 has token id 40"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> text.generate(manager, List.of(new long[0]), GenerationConfig.greedy(2)));
        assertThrows(IllegalArgumentException.class, () -> GenerationConfig.greedy(2).withMinNewTokens(3));
    }
}
