package dev.perennial.llava.text;

/**
 * Token ids with the character range each came from.
 *
 * @param ids token ids (the image placeholder included)
 * @param starts per token, the first character in the text, or −1 for tokens added by the tokenizer (BOS)
 * @param ends per token, one past the last character, or −1
 */
public record EncodedText(long[] ids, int[] starts, int[] ends) {
    /** Validates. */
    public EncodedText {
        if (ids.length != starts.length || ids.length != ends.length) {
            throw new IllegalArgumentException("encoded text: ids and spans differ in length");
        }
    }
}
