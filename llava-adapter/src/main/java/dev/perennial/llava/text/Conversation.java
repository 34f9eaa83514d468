package dev.perennial.llava.text;

import java.util.List;

/**
 * A multi-turn conversation about at most one image (LLaVA-1.5 conversations hold one image).
 *
 * @param turns the exchanges; only the last may lack an answer
 * @param hasImage whether the conversation is about an image; the template then puts {@code <image>\n} before the
 *     first user message, as LLaVA's {@code preprocess_multimodal} does
 */
public record Conversation(List<Turn> turns, boolean hasImage) {
    /** Validates. */
    public Conversation {
        turns = List.copyOf(turns);
        if (turns.isEmpty()) {
            throw new IllegalArgumentException("conversation: no turns");
        }
        for (int i = 0; i < turns.size() - 1; i++) {
            if (turns.get(i).assistant().isEmpty()) {
                throw new IllegalArgumentException("conversation: turn " + i + " has no answer; only the last turn "
                        + "may be the open question");
            }
        }
    }

    /**
     * One question about an image, with its answer (a VQA training sample).
     *
     * @param question the question
     * @param answer the answer
     * @return the conversation
     */
    public static Conversation imageQuestion(String question, String answer) {
        return new Conversation(List.of(Turn.answered(question, answer)), true);
    }

    /**
     * One open question about an image (a VQA prompt).
     *
     * @param question the question
     * @return the conversation
     */
    public static Conversation imagePrompt(String question) {
        return new Conversation(List.of(Turn.asking(question)), true);
    }

    /** @return whether the last turn waits for an answer */
    public boolean isOpen() {
        return turns.get(turns.size() - 1).assistant().isEmpty();
    }
}
