package dev.perennial.continual.vqa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import dev.perennial.spi.Scenario;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** Mini-CoIN: deterministic, every word in the vocabulary, the reference answers score 1 with their scorer. */
class MiniCoinTest {
    private static final MiniCoinConfig SMALL = new MiniCoinConfig(3, 32, 20, 6, List.of(), true, 2);

    @Test
    void sameSeedSameExamplesAndTheReferenceScoresOne() {
        MiniCoin a = new MiniCoin(SMALL);
        MiniCoin b = new MiniCoin(SMALL);
        Set<String> vocabulary = new HashSet<>(MiniCoin.vocabulary());
        Pattern word = Pattern.compile("\\w+|[^\\w\\s]+");
        Set<String> answers = new HashSet<>();
        for (int i = 0; i < a.train().size(); i++) {
            Example x = a.train().get(i);
            Example y = b.train().get(i);
            assertEquals(x.texts(), y.texts());
            assertArrayEquals(((Feature.Floats) x.features().get("image")).values(),
                    ((Feature.Floats) y.features().get("image")).values());
            for (String text : List.of(x.texts().get("question"), x.texts().get("answer"))) {
                Matcher m = word.matcher(text);
                while (m.find()) {
                    assertTrue(vocabulary.contains(m.group()), "'" + m.group() + "' of '" + text + "'");
                }
            }
            AnswerScorer scorer = AnswerScorer.byId(x.texts().get("scorer"), "test");
            assertEquals(1, scorer.score(x.texts().get("answer"), x.texts().get("answer")), x.texts().toString());
            answers.add(x.texts().get("task") + ":" + x.texts().get("answer"));
        }
        assertTrue(answers.size() > 30, "answers vary: " + answers.size());
        assertNotEquals(a.train().get(0).texts(), new MiniCoin(new MiniCoinConfig(4, 32, 20, 6, List.of(), true, 2))
                .train().get(0).texts().get("question") + "x");
        Example test0 = a.test().get(0);
        assertTrue(test0.id() >= 10_000_000L, "test ids differ from train ids");
    }

    @Test
    void instructionScenarioCutsOneTaskPerNameOrOneJointTask() {
        MiniCoin coin = new MiniCoin(SMALL);
        Scenario s = InstructionScenarioProvider.split(coin, new InstructionScenarioProvider.Config(List.of(), false));
        assertEquals(1 + MiniCoin.TASKS.size(), s.tasks().size());
        assertEquals("base", s.tasks().get(0).info().name());
        assertEquals(2 * MiniCoin.TASKS.size(), s.tasks().get(0).info().trainSize());
        assertEquals("grounding", s.tasks().get(6).info().name());
        assertEquals(20, s.tasks().get(6).info().trainSize());
        for (int i = 0; i < 6; i++) {
            assertEquals("grounding", s.tasks().get(6).train().get(i).texts().get("task"));
            assertEquals("grounding", s.tasks().get(6).test().get(i).texts().get("task"));
        }
        Scenario subset = InstructionScenarioProvider.split(coin,
                new InstructionScenarioProvider.Config(List.of("color", "choice"), false));
        assertEquals(List.of("color", "choice"), subset.tasks().stream().map(t -> t.info().name()).toList());
        Scenario joint = InstructionScenarioProvider.split(coin,
                new InstructionScenarioProvider.Config(List.of("color", "choice"), true));
        assertEquals(1, joint.tasks().size());
        assertEquals(40, joint.tasks().get(0).info().trainSize());
        assertEquals(12, joint.tasks().get(0).info().testSize());
        Scenario baseThenJoint = InstructionScenarioProvider.split(coin,
                new InstructionScenarioProvider.Config(List.of("base", "color", "choice"), true, 1));
        assertEquals(List.of("base", "joint"), baseThenJoint.tasks().stream().map(t -> t.info().name()).toList());
        assertEquals(40, baseThenJoint.tasks().get(1).info().trainSize());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InstructionScenarioProvider
                .split(coin, new InstructionScenarioProvider.Config(List.of("ocr"), false)));
        assertTrue(e.getMessage().contains("'ocr'"), e.getMessage());
    }

    @Test
    void configNamesBadFields() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MiniCoinConfig(1, 32, 10, 10, List.of("shapes"), false, 1));
        assertTrue(e.getMessage().contains("tasks") && e.getMessage().contains("grounding"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MiniCoinConfig(1, 8, 10, 10, null, false, 1));
    }

    /**
     * Issue #23: reading asks for one digit drawn large (90 two-digit classes in a 2-pixel font were never learnt),
     * grounding's boxes are half the image's side (a box one grid step off along one axis still scores), and the
     * reference box is within the image.
     */
    @Test
    void readingIsOneLargeDigitAndGroundingBoxesAreHalfTheImage() {
        MiniCoin data = new MiniCoin(new MiniCoinConfig(5, 32, 60, 6, List.of("reading", "grounding"), false, 1));
        Set<String> digits = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            Example e = data.train().get(i);
            String answer = e.texts().get("answer");
            assertTrue(answer.matches("[0-9]"), "reading answer '" + answer + "'");
            digits.add(answer);
            float[] img = ((Feature.Floats) e.features().get("image")).values();
            int dark = 0;
            for (int p = 0; p < 32 * 32; p++) {
                dark += img[p] < 0.1f ? 1 : 0;
            }
            assertTrue(dark >= 7 * 16, "a digit's strokes are 4x4-pixel squares (at least 7 of them): " + dark);
        }
        assertEquals(10, digits.size(), "every digit occurs: " + digits);
        for (int i = 60; i < 120; i++) {
            String box = data.train().get(i).texts().get("answer");
            Matcher m = Pattern.compile("\\[(\\d\\.\\d), (\\d\\.\\d), (\\d\\.\\d), (\\d\\.\\d)\\]").matcher(box);
            assertTrue(m.matches(), box);
            double x1 = Double.parseDouble(m.group(1));
            double y1 = Double.parseDouble(m.group(2));
            assertEquals(0.5, Double.parseDouble(m.group(3)) - x1, 1e-9, box);
            assertEquals(0.5, Double.parseDouble(m.group(4)) - y1, 1e-9, box);
            assertEquals(1, AnswerScorer.GROUNDING.score(String.format(java.util.Locale.ROOT, "[%.1f, %.1f, %.1f, %.1f]",
                    x1 + 0.1, y1, x1 + 0.6, y1 + 0.5), box), "one step off along one axis: IoU 0.67");
        }
    }
}
