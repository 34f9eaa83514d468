package dev.perennial.llava.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * LLaVA's tokenizer: a local {@code tokenizer.json} read by DJL's Hugging Face tokenizers (never a hub name, so it
 * works offline), plus the image placeholder.
 *
 * <p>When {@code <image>} is one token of the vocabulary whose id is the model's {@code image_token_index}
 * (llava-hf), the text is encoded in one piece. Otherwise (original LLaVA, {@code IMAGE_TOKEN_INDEX = −200}) the
 * text is split at {@code <image>}, each piece encoded alone (special tokens only on the first) and the
 * placeholder id inserted between the pieces, as LLaVA's {@code tokenizer_image_token} does.
 */
public final class LlavaTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final Path file;
    private final String imageToken;
    private final long imageTokenIndex;
    private final boolean imageInVocabulary;
    private final long eosId;
    private final long bosId;

    private LlavaTokenizer(HuggingFaceTokenizer tokenizer, Path file, String imageToken, long imageTokenIndex,
            boolean imageInVocabulary, long bosId, long eosId) {
        this.tokenizer = tokenizer;
        this.file = file;
        this.imageToken = imageToken;
        this.imageTokenIndex = imageTokenIndex;
        this.imageInVocabulary = imageInVocabulary;
        this.bosId = bosId;
        this.eosId = eosId;
    }

    /**
     * Opens a {@code tokenizer.json}.
     *
     * @param tokenizerJson the file
     * @param imageTokenIndex the model's image token id ({@code image_token_index})
     * @param bosTokenId the model's BOS id
     * @param eosTokenId the model's EOS id; checked against the tokenizer's {@code </s>} when it has one
     * @return the tokenizer
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the file is missing or its special tokens disagree with the model
     */
    public static LlavaTokenizer open(Path tokenizerJson, long imageTokenIndex, long bosTokenId, long eosTokenId)
            throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IllegalArgumentException(tokenizerJson + " does not exist; LLaVA needs the checkpoint's "
                    + "tokenizer.json (Hugging Face tokenizers format)");
        }
        HuggingFaceTokenizer hf;
        try {
            // No truncation and no padding: the batch encoder pads, and LLaVA prompts exceed DJL's default 512.
            hf = HuggingFaceTokenizer.newInstance(tokenizerJson,
                    Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(tokenizerJson + ": not a valid tokenizer.json (" + e.getMessage() + ")",
                    e);
        }
        try {
            long image = singleId(hf, "<image>");
            boolean inVocabulary = image >= 0 && image == imageTokenIndex;
            if (image >= 0 && imageTokenIndex >= 0 && image != imageTokenIndex) {
                throw new IllegalArgumentException(tokenizerJson + ": <image> has id " + image
                        + " but the config's image_token_index is " + imageTokenIndex);
            }
            long eos = singleId(hf, "</s>");
            if (eos >= 0 && eos != eosTokenId) {
                throw new IllegalArgumentException(tokenizerJson + ": </s> has id " + eos
                        + " but the config's eos_token_id is " + eosTokenId);
            }
            return new LlavaTokenizer(hf, tokenizerJson, "<image>", imageTokenIndex, inVocabulary, bosTokenId,
                    eosTokenId);
        } catch (RuntimeException e) {
            hf.close();
            throw e;
        }
    }

    /** The id of a text that the tokenizer maps to exactly one token spelled the same, or −1. */
    private static long singleId(HuggingFaceTokenizer hf, String token) {
        Encoding e = hf.encode(token, false, false);
        if (e.getIds().length == 1 && token.equals(e.getTokens()[0])) {
            return e.getIds()[0];
        }
        return -1;
    }

    /** @return the tokenizer file */
    public Path file() {
        return file;
    }

    /** @return the end-of-sequence id: generation stops here, answers end with it */
    public long eosId() {
        return eosId;
    }

    /** @return the beginning-of-sequence id */
    public long bosId() {
        return bosId;
    }

    /** @return the image placeholder id */
    public long imageTokenIndex() {
        return imageTokenIndex;
    }

    /**
     * Encodes a prompt (special tokens added as the tokenizer's post-processor says, e.g. BOS for LLaMA), with each
     * {@code <image>} as the image placeholder id.
     *
     * @param text the text
     * @return ids and character spans
     */
    public EncodedText encode(String text) {
        if (imageInVocabulary || !text.contains(imageToken)) {
            return fromEncoding(tokenizer.encode(text, true, false), 0, text.length());
        }
        List<Long> ids = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        int from = 0;
        boolean first = true;
        while (true) {
            int at = text.indexOf(imageToken, from);
            String piece = at < 0 ? text.substring(from) : text.substring(from, at);
            EncodedText e = fromEncoding(tokenizer.encode(piece, first, false), from, piece.length());
            for (int i = 0; i < e.ids().length; i++) {
                ids.add(e.ids()[i]);
                starts.add(e.starts()[i]);
                ends.add(e.ends()[i]);
            }
            first = false;
            if (at < 0) {
                break;
            }
            ids.add(imageTokenIndex);
            starts.add(at);
            ends.add(at + imageToken.length());
            from = at + imageToken.length();
        }
        long[] idArray = ids.stream().mapToLong(Long::longValue).toArray();
        return new EncodedText(idArray, starts.stream().mapToInt(Integer::intValue).toArray(),
                ends.stream().mapToInt(Integer::intValue).toArray());
    }

    private static EncodedText fromEncoding(Encoding e, int offset, int pieceLength) {
        long[] ids = e.getIds();
        long[] special = e.getSpecialTokenMask();
        CharSpan[] spans = e.getCharTokenSpans();
        int[] starts = new int[ids.length];
        int[] ends = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            CharSpan s = spans == null || i >= spans.length ? null : spans[i];
            boolean added = s == null || (special != null && special[i] == 1 && s.getStart() == 0 && s.getEnd() == 0);
            starts[i] = added ? -1 : offset + s.getStart();
            ends[i] = added ? -1 : offset + s.getEnd();
        }
        return new EncodedText(ids, starts, ends);
    }

    /**
     * Decodes generated ids to text, without special tokens.
     *
     * @param ids the ids (image placeholders are dropped)
     * @return the text
     */
    public String decode(long[] ids) {
        long[] kept = java.util.Arrays.stream(ids).filter(id -> id != imageTokenIndex && id >= 0).toArray();
        return tokenizer.decode(kept, true);
    }

    /**
     * The tokens of a text, for inspection.
     *
     * @param text the text
     * @return the token strings (no special tokens added)
     */
    public List<String> tokens(String text) {
        return List.of(tokenizer.encode(text, false, false).getTokens());
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
