package dev.perennial.continual.vqa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Spec llaca.md §6 L13 and §3: the CoIN scorers. */
class AnswerScorerTest {

    @Test
    void choiceParsesTheLetterTheWaysScienceQaDoes() {
        assertEquals(1, AnswerScorer.CHOICE.score("A", "A"));
        assertEquals(1, AnswerScorer.CHOICE.score("B. square", "B"));
        assertEquals(1, AnswerScorer.CHOICE.score("the answer is C", "C"));
        assertEquals(1, AnswerScorer.CHOICE.score("c", "C"));
        assertEquals(0, AnswerScorer.CHOICE.score("B", "A"));
        assertEquals(0, AnswerScorer.CHOICE.score("square", "A"));
    }

    @Test
    void substringMatchesEitherWay() {
        assertEquals(1, AnswerScorer.SUBSTRING.score("a red circle", "circle"));
        assertEquals(1, AnswerScorer.SUBSTRING.score("tabby", "Tabby cat"));
        assertEquals(0, AnswerScorer.SUBSTRING.score("square", "circle"));
        assertEquals(0, AnswerScorer.SUBSTRING.score("", "circle"), "an empty answer is no substring match");
    }

    @Test
    void exactIsCaseInsensitiveAgainstOneAnswer() {
        assertEquals(1, AnswerScorer.EXACT.score(" Red ", "red"));
        assertEquals(0, AnswerScorer.EXACT.score("red .", "red"));
    }

    @Test
    void unanswerableIsWrongButCounted() {
        assertEquals(0, AnswerScorer.EXACT_SKIP_UNANSWERABLE.score("Unanswerable", "unanswerable"));
        assertEquals(1, AnswerScorer.EXACT_SKIP_UNANSWERABLE.score("Harry Potter", "harry potter"));
        CoinAccuracyProvider.CoinAccuracy metric = new CoinAccuracyProvider.CoinAccuracy(AnswerScorer.EXACT);
        assertTrue(metric.higherIsBetter());
    }

    @Test
    void groundingNeedsIouStrictlyAboveHalf() {
        // [0,0,1,1] vs [0,0,1,0.5]: IoU exactly 0.5 is not enough
        assertEquals(0.5, AnswerScorer.iou(new double[] {0, 0, 1, 1}, new double[] {0, 0, 1, 0.5}), 1e-12);
        assertEquals(0, AnswerScorer.GROUNDING.score("[0, 0, 1, 0.5]", "[0, 0, 1, 1]"));
        assertEquals(1, AnswerScorer.GROUNDING.score("[0, 0, 1, 0.6]", "[0, 0, 1, 1]"));
        // a word-level decoding with spaces around the decimal points parses
        assertEquals(1, AnswerScorer.GROUNDING.score("[ 0 . 2 , 0 . 3 , 0 . 5 , 0 . 6 ]", "[0.2, 0.3, 0.5, 0.6]"));
        assertEquals(0, AnswerScorer.GROUNDING.score("[0.2, 0.3]", "[0.2, 0.3, 0.5, 0.6]"));
    }

    @Test
    void vqaAccuracyIsTheLeaveOneOutAverage() {
        String refs = String.join("|", "two", "2", "2", "3", "3", "3", "3", "3", "3", "3");
        // "2" matches 3 references ("two" normalises to "2"): every leave-one-out subset without one of them has 2
        // matches (2/3), those without a "3" keep all 3 (1): (3·2/3 + 7·1)/10 = 0.9
        assertEquals(0.9, AnswerScorer.VQA.score("2", refs), 1e-9);
        assertEquals(1, AnswerScorer.VQA.score("3", refs), 1e-9);
        assertEquals(1, AnswerScorer.VQA.score("The Dog.", "dog"));
        assertEquals(0, AnswerScorer.VQA.score("cat", refs));
    }

    @Test
    void unknownScorerNamesTheAcceptedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AnswerScorer.byId("iou", "here"));
        assertTrue(e.getMessage().contains("grounding") && e.getMessage().contains("here"), e.getMessage());
        assertEquals(AnswerScorer.EXACT_SKIP_UNANSWERABLE, AnswerScorer.byId("exact-skip-unanswerable", "x"));
    }

    @Test
    void summaryOfTheSpecMatrix() {
        // L11: a = [[80, –], [60, 70]]
        ContinualVqaSummary s = ContinualVqaSummary.of(new double[][] {{80}, {60, 70}},
                ContinualVqaSummary.ForgettingVariant.MAX_EARLIER);
        assertEquals(65, s.averageAccuracy(), 1e-12);
        assertEquals(20, s.forgetting(), 1e-12);
        assertEquals(75, s.newAccuracy(), 1e-12);
        // the variants differ when an old task improved before dropping
        double[][] a = {{50}, {70, 60}, {40, 50, 90}};
        assertEquals((30 + 10) / 2.0, ContinualVqaSummary.of(a, ContinualVqaSummary.ForgettingVariant.MAX_EARLIER)
                .forgetting(), 1e-12);
        assertEquals((10 + 10) / 2.0, ContinualVqaSummary.of(a, ContinualVqaSummary.ForgettingVariant.DIAGONAL)
                .forgetting(), 1e-12);
    }
}
