package dev.perennial.continual.vqa;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CoIN per-task answer scorers (spec llaca.md §3, CODE {@code llava/eval/CoIN/eval_*.py}). Each scores one
 * prediction against its reference answer(s) with 0 or 1 (VQA accuracy: a fraction).
 */
public enum AnswerScorer {
    /**
     * ScienceQA: multiple-choice letter accuracy. The letter is parsed from {@code A}, {@code A. text}, or the first
     * single-character word; reference and prediction are parsed the same way.
     */
    @JsonProperty("choice") CHOICE,
    /**
     * TextVQA: the standard VQA accuracy, min(1, #matching references / 3) averaged over the ten leave-one-out
     * subsets of the references, after the VQA answer normalisation.
     */
    @JsonProperty("vqa") VQA,
    /** ImageNet: correct when the reference is a substring of the prediction or the other way round (case-insensitive). */
    @JsonProperty("substring") SUBSTRING,
    /** VizWiz, VQAv2: case-insensitive exact match against a single reference answer. */
    @JsonProperty("exact") EXACT,
    /**
     * OCR-VQA: case-insensitive exact match; predictions containing "unanswerable" are skipped, i.e. wrong but
     * still counted in the denominator.
     */
    @JsonProperty("exact-skip-unanswerable") EXACT_SKIP_UNANSWERABLE,
    /** Grounding: the predicted box [x1, y1, x2, y2] has IoU strictly greater than 0.5 with the reference box. */
    @JsonProperty("grounding") GROUNDING;

    /** Separates several reference answers in one text (VQA scoring). */
    public static final String ANSWER_SEPARATOR = "|";

    private static final Pattern LETTER_PREFIX = Pattern.compile("^\\s*([A-Za-z])(?:[.):]|\\s|$)");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?");

    /**
     * The external name, as written in configs and example texts.
     *
     * @return e.g. {@code exact-skip-unanswerable}
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The scorer of that name.
     *
     * @param id e.g. {@code choice}
     * @param where names the file or plugin for the message
     * @return the scorer
     * @throws IllegalArgumentException naming the accepted names
     */
    public static AnswerScorer byId(String id, String where) {
        for (AnswerScorer s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        List<String> ids = new ArrayList<>();
        for (AnswerScorer s : values()) {
            ids.add(s.id());
        }
        throw new IllegalArgumentException(where + ": unknown answer scorer '" + id + "'; accepted: " + ids);
    }

    /**
     * Scores one prediction.
     *
     * @param prediction the generated answer
     * @param reference the reference answer; for {@link #VQA} several answers joined by {@value #ANSWER_SEPARATOR}
     * @return the score in [0, 1]
     */
    public double score(String prediction, String reference) {
        String p = prediction == null ? "" : prediction;
        return switch (this) {
            case CHOICE -> {
                String pl = choiceLetter(p);
                yield pl != null && pl.equals(choiceLetter(reference)) ? 1 : 0;
            }
            case VQA -> vqaAccuracy(p, reference.split(Pattern.quote(ANSWER_SEPARATOR), -1));
            case SUBSTRING -> {
                String a = p.trim().toLowerCase(Locale.ROOT);
                String b = reference.trim().toLowerCase(Locale.ROOT);
                yield !a.isEmpty() && (a.contains(b) || b.contains(a)) ? 1 : 0;
            }
            case EXACT -> exact(p, reference) ? 1 : 0;
            case EXACT_SKIP_UNANSWERABLE -> p.toLowerCase(Locale.ROOT).contains("unanswerable") ? 0
                    : exact(p, reference) ? 1 : 0;
            case GROUNDING -> {
                double[] a = box(p);
                double[] b = box(reference);
                yield a != null && b != null && iou(a, b) > 0.5 ? 1 : 0;
            }
        };
    }

    private static boolean exact(String prediction, String reference) {
        return prediction.trim().equalsIgnoreCase(reference.trim());
    }

    /**
     * The multiple-choice letter: {@code A}, {@code A. text}, else the first single-character word.
     *
     * @param text an answer
     * @return the upper-case letter, or null when there is none
     */
    static String choiceLetter(String text) {
        Matcher m = LETTER_PREFIX.matcher(text);
        if (m.find()) {
            return m.group(1).toUpperCase(Locale.ROOT);
        }
        for (String word : text.trim().split("\\s+")) {
            if (word.length() == 1 && Character.isLetter(word.charAt(0))) {
                return word.toUpperCase(Locale.ROOT);
            }
        }
        return null;
    }

    /**
     * The first four numbers of a text as a box (whitespace around the decimal point is dropped, so word-level
     * decodings such as {@code "[ 0 . 2 , 0 . 3 , ... ]"} parse).
     *
     * @param text e.g. {@code [0.1, 0.2, 0.5, 0.6]}
     * @return x1, y1, x2, y2, or null when there are fewer than four numbers
     */
    static double[] box(String text) {
        String compact = text.replaceAll("\\s*\\.\\s*", ".");
        Matcher m = NUMBER.matcher(compact);
        double[] out = new double[4];
        int n = 0;
        while (n < 4 && m.find()) {
            out[n++] = Double.parseDouble(m.group());
        }
        return n == 4 ? out : null;
    }

    /**
     * Intersection over union of two boxes [x1, y1, x2, y2].
     *
     * @param a a box
     * @param b a box
     * @return IoU in [0, 1]; 0 for empty boxes
     */
    static double iou(double[] a, double[] b) {
        double w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
        double h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
        double inter = w * h;
        double union = Math.max(0, a[2] - a[0]) * Math.max(0, a[3] - a[1])
                + Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]) - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /** VQA accuracy over the leave-one-out subsets (the official VQA evaluation, used by m4c's TextVQA evaluator). */
    static double vqaAccuracy(String prediction, String[] references) {
        String p = VqaAnswerNormalizer.normalize(prediction);
        String[] refs = new String[references.length];
        for (int i = 0; i < references.length; i++) {
            refs[i] = VqaAnswerNormalizer.normalize(references[i]);
        }
        if (refs.length == 1) {
            return p.equals(refs[0]) ? 1 : 0;
        }
        double total = 0;
        for (int leave = 0; leave < refs.length; leave++) {
            int matches = 0;
            for (int j = 0; j < refs.length; j++) {
                if (j != leave && refs[j].equals(p)) {
                    matches++;
                }
            }
            total += Math.min(1.0, matches / 3.0);
        }
        return total / refs.length;
    }
}
