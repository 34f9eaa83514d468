package dev.perennial.llava;

import dev.perennial.llava.image.RgbImage;
import dev.perennial.llava.text.Conversation;
import java.util.Optional;

/**
 * One sample: an image (optional) and a conversation about it. For training every turn has an answer; for
 * generation the last turn is the open question.
 *
 * @param image the image, present exactly when the conversation {@link Conversation#hasImage() has one}
 * @param conversation the conversation
 */
public record LlavaExample(Optional<RgbImage> image, Conversation conversation) {
    /** Validates that image and conversation agree. */
    public LlavaExample {
        if (image.isPresent() != conversation.hasImage()) {
            throw new IllegalArgumentException("llava example: the conversation " + (conversation.hasImage()
                    ? "refers to an image but none is given" : "has no image slot but an image is given"));
        }
    }

    /**
     * A visual question with its answer.
     *
     * @param image the image
     * @param question the question
     * @param answer the answer
     * @return the example
     */
    public static LlavaExample vqa(RgbImage image, String question, String answer) {
        return new LlavaExample(Optional.of(image), Conversation.imageQuestion(question, answer));
    }

    /**
     * A visual question to answer.
     *
     * @param image the image
     * @param question the question
     * @return the example
     */
    public static LlavaExample prompt(RgbImage image, String question) {
        return new LlavaExample(Optional.of(image), Conversation.imagePrompt(question));
    }
}
