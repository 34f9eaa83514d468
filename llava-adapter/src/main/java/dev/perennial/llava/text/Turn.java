package dev.perennial.llava.text;

import java.util.Optional;

/**
 * One exchange of a conversation: the user's message and, except for the turn being asked, the assistant's answer.
 *
 * @param user the user's message (without the image token; {@link Conversation} places it)
 * @param assistant the answer, empty for the turn the model should answer
 */
public record Turn(String user, Optional<String> assistant) {
    /** Validates. */
    public Turn {
        if (user == null || assistant == null) {
            throw new IllegalArgumentException("conversation turn: user message and answer option must not be null");
        }
    }

    /**
     * A question with its answer.
     *
     * @param user the question
     * @param assistant the answer
     * @return the turn
     */
    public static Turn answered(String user, String assistant) {
        return new Turn(user, Optional.of(assistant));
    }

    /**
     * A question to be answered.
     *
     * @param user the question
     * @return the turn
     */
    public static Turn asking(String user) {
        return new Turn(user, Optional.empty());
    }
}
