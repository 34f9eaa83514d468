package dev.perennial.llava;

/** Where a shorter sequence of a batch gets its padding. */
public enum PaddingSide {
    /** Padding before the tokens: generation, so that every sequence's next token is at the last position. */
    LEFT,
    /** Padding after the tokens: training (HF LLaVA's training collator pads right). */
    RIGHT
}
