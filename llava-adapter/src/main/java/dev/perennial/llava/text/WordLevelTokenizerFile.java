package dev.perennial.llava.text;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a small word-level {@code tokenizer.json} (Hugging Face tokenizers format) for LLaVA models trained from
 * scratch on a closed vocabulary (tests, generated benchmarks): ids 0–3 are {@code <unk>}, {@code <s>},
 * {@code </s>}, {@code <image>} (special, matched before splitting), then the words in the given order. Text is
 * split on whitespace and punctuation ({@code \w+|[^\w\s]+}); a BOS is added to every sequence; unknown words map to
 * {@code <unk>}; decoding joins tokens with spaces.
 */
public final class WordLevelTokenizerFile {
    /** The special tokens, in id order. */
    public static final List<String> SPECIAL_TOKENS = List.of("<unk>", "<s>", "</s>", "<image>");

    private WordLevelTokenizerFile() {}

    /**
     * Writes the file.
     *
     * @param file where to write
     * @param words the vocabulary after the special tokens (duplicates are dropped, order kept)
     * @return the vocabulary size
     * @throws IOException if the file cannot be written
     */
    public static int write(Path file, List<String> words) throws IOException {
        Set<String> vocabulary = new LinkedHashSet<>(SPECIAL_TOKENS);
        for (String w : words) {
            if (w.isEmpty() || w.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("word-level tokenizer: word '" + w + "' is empty or has spaces");
            }
            vocabulary.add(w);
        }
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", JsonNull.INSTANCE);
        root.add("padding", JsonNull.INSTANCE);
        JsonArray added = new JsonArray();
        for (int i = 0; i < SPECIAL_TOKENS.size(); i++) {
            JsonObject t = new JsonObject();
            t.addProperty("id", i);
            t.addProperty("content", SPECIAL_TOKENS.get(i));
            t.addProperty("single_word", false);
            t.addProperty("lstrip", false);
            t.addProperty("rstrip", false);
            t.addProperty("normalized", false);
            t.addProperty("special", true);
            added.add(t);
        }
        root.add("added_tokens", added);
        root.add("normalizer", JsonNull.INSTANCE);
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "Whitespace");
        root.add("pre_tokenizer", pre);
        root.add("post_processor", bosTemplate());
        root.add("decoder", JsonNull.INSTANCE);
        JsonObject model = new JsonObject();
        model.addProperty("type", "WordLevel");
        JsonObject vocab = new JsonObject();
        int id = 0;
        for (String w : vocabulary) {
            vocab.addProperty(w, id++);
        }
        model.add("vocab", vocab);
        model.addProperty("unk_token", "<unk>");
        root.add("model", model);
        Files.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(root), StandardCharsets.UTF_8);
        return vocabulary.size();
    }

    private static JsonObject bosTemplate() {
        JsonObject post = new JsonObject();
        post.addProperty("type", "TemplateProcessing");
        post.add("single", template(false));
        post.add("pair", template(true));
        JsonObject specials = new JsonObject();
        JsonObject bos = new JsonObject();
        bos.addProperty("id", "<s>");
        JsonArray ids = new JsonArray();
        ids.add(1);
        bos.add("ids", ids);
        JsonArray tokens = new JsonArray();
        tokens.add("<s>");
        bos.add("tokens", tokens);
        specials.add("<s>", bos);
        post.add("special_tokens", specials);
        return post;
    }

    private static JsonArray template(boolean pair) {
        JsonArray a = new JsonArray();
        JsonObject special = new JsonObject();
        JsonObject s = new JsonObject();
        s.addProperty("id", "<s>");
        s.addProperty("type_id", 0);
        special.add("SpecialToken", s);
        a.add(special);
        a.add(sequence("A"));
        if (pair) {
            a.add(sequence("B"));
        }
        return a;
    }

    private static JsonObject sequence(String id) {
        JsonObject seq = new JsonObject();
        JsonObject body = new JsonObject();
        body.addProperty("id", id);
        body.addProperty("type_id", 0);
        seq.add("Sequence", body);
        return seq;
    }
}
