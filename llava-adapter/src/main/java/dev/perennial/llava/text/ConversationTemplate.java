package dev.perennial.llava.text;

import java.util.ArrayList;
import java.util.List;

/**
 * LLaVA's {@code conv_vicuna_v1} template ({@code llava/conversation.py}, {@code SeparatorStyle.TWO}), the one
 * LLaVA-1.5 is trained and evaluated with ({@code --conv-mode vicuna_v1}):
 *
 * <pre>
 * {system} USER: &lt;image&gt;\n{q1} ASSISTANT: {a1}&lt;/s&gt;USER: {q2} ASSISTANT:
 * </pre>
 *
 * i.e. {@code system + sep}, then per message {@code role + ": " + message + seps[i % 2]} with
 * {@code seps = [" ", "</s>"]}, and {@code role + ":"} for the message to be generated.
 *
 * @param system the system prompt
 * @param userRole the user's role name
 * @param assistantRole the assistant's role name
 * @param separator after the system prompt and after user messages
 * @param answerEnd after assistant messages (the end-of-sequence token's text)
 * @param imageToken the text that marks the image
 */
public record ConversationTemplate(
        String system, String userRole, String assistantRole, String separator, String answerEnd, String imageToken) {

    /** LLaVA's Vicuna v1 system prompt. */
    public static final String VICUNA_SYSTEM = "A chat between a curious human and an artificial intelligence "
            + "assistant. The assistant gives helpful, detailed, and polite answers to the human's questions.";

    /** Validates. */
    public ConversationTemplate {
        if (system == null || userRole == null || assistantRole == null || separator == null || answerEnd == null
                || imageToken == null || imageToken.isEmpty()) {
            throw new IllegalArgumentException("conversation template: every field is required");
        }
    }

    /** @return LLaVA-1.5's {@code vicuna_v1} template with {@code <image>} */
    public static ConversationTemplate vicunaV1() {
        return new ConversationTemplate(VICUNA_SYSTEM, "USER", "ASSISTANT", " ", "</s>", "<image>");
    }

    /**
     * Renders a conversation. With an image, the image token is removed from the first user message and put in
     * front of it followed by a newline ({@code preprocess_multimodal}).
     *
     * @param conversation the conversation
     * @return the text and the answer spans; an open conversation ends with {@code "ASSISTANT:"}
     */
    public RenderedConversation render(Conversation conversation) {
        StringBuilder sb = new StringBuilder(system).append(separator);
        List<int[]> spans = new ArrayList<>();
        List<Turn> turns = conversation.turns();
        for (int i = 0; i < turns.size(); i++) {
            String user = turns.get(i).user();
            if (i == 0 && conversation.hasImage()) {
                user = imageToken + "\n" + user.replace(imageToken, "").strip();
            } else if (user.contains(imageToken)) {
                throw new IllegalArgumentException("conversation: turn " + i + " contains " + imageToken
                        + "; the image belongs to the first user message (set hasImage)");
            }
            sb.append(userRole).append(": ").append(user).append(separator);
            if (turns.get(i).assistant().isPresent()) {
                sb.append(assistantRole).append(": ");
                int start = sb.length();
                sb.append(turns.get(i).assistant().get()).append(answerEnd);
                spans.add(new int[] {start, sb.length()});
            } else {
                sb.append(assistantRole).append(":");
            }
        }
        return new RenderedConversation(sb.toString(), spans);
    }
}
