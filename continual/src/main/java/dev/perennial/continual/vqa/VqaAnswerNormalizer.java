package dev.perennial.continual.vqa;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The answer normalisation of the official VQA evaluation (as in m4c's {@code EvalAIAnswerProcessor}): lower
 * case, punctuation removed (a period only when not between digits), number words to digits, articles dropped,
 * common contractions restored. A subset of the contraction table is used (the forms a generated answer can
 * take without an apostrophe).
 */
final class VqaAnswerNormalizer {
    private static final Map<String, String> NUMBERS = Map.ofEntries(Map.entry("none", "0"), Map.entry("zero", "0"),
            Map.entry("one", "1"), Map.entry("two", "2"), Map.entry("three", "3"), Map.entry("four", "4"),
            Map.entry("five", "5"), Map.entry("six", "6"), Map.entry("seven", "7"), Map.entry("eight", "8"),
            Map.entry("nine", "9"), Map.entry("ten", "10"));
    private static final Set<String> ARTICLES = Set.of("a", "an", "the");
    private static final Map<String, String> CONTRACTIONS = Map.ofEntries(Map.entry("dont", "don't"),
            Map.entry("doesnt", "doesn't"), Map.entry("isnt", "isn't"), Map.entry("arent", "aren't"),
            Map.entry("cant", "can't"), Map.entry("wont", "won't"), Map.entry("wasnt", "wasn't"),
            Map.entry("werent", "weren't"), Map.entry("didnt", "didn't"), Map.entry("hasnt", "hasn't"),
            Map.entry("havent", "haven't"), Map.entry("shouldnt", "shouldn't"), Map.entry("couldnt", "couldn't"),
            Map.entry("wouldnt", "wouldn't"), Map.entry("im", "i'm"), Map.entry("ive", "i've"),
            Map.entry("youre", "you're"), Map.entry("theyre", "they're"), Map.entry("thats", "that's"),
            Map.entry("whats", "what's"), Map.entry("lets", "let's"));
    private static final Pattern PERIOD_NOT_DECIMAL = Pattern.compile("(?!<=\\d)(\\.)(?!\\d)");
    private static final Pattern COMMA_IN_NUMBER = Pattern.compile("(\\d)(,)(\\d)");
    private static final String PUNCTUATION = ";/[]\"{}()=+\\_-><@`,?!*#%^&$~|:";

    private VqaAnswerNormalizer() {}

    static String normalize(String answer) {
        String s = answer.replace('\n', ' ').replace('\t', ' ').trim().toLowerCase(Locale.ROOT);
        s = COMMA_IN_NUMBER.matcher(s).replaceAll("$1$3");
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (PUNCTUATION.indexOf(c) >= 0) {
                // the VQA processor drops punctuation next to spaces and turns the rest into spaces
                boolean nearSpace = (i > 0 && s.charAt(i - 1) == ' ') || (i + 1 < s.length() && s.charAt(i + 1) == ' ');
                out.append(nearSpace ? "" : " ");
            } else {
                out.append(c);
            }
        }
        s = PERIOD_NOT_DECIMAL.matcher(out.toString()).replaceAll("");
        StringBuilder words = new StringBuilder();
        for (String w : s.split("\\s+")) {
            if (w.isEmpty() || ARTICLES.contains(w)) {
                continue;
            }
            String mapped = NUMBERS.getOrDefault(w, w);
            mapped = CONTRACTIONS.getOrDefault(mapped, mapped);
            if (words.length() > 0) {
                words.append(' ');
            }
            words.append(mapped);
        }
        return words.toString();
    }
}
